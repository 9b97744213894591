from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "goldenthread.agreements"
    label = "agreements"
    verbose_name = "Information sharing agreements"
