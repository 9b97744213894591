from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "goldenthread.agreements"
    label = "agreements"
    verbose_name = "Information sharing agreements"

    def ready(self) -> None:
        from goldenthread.agreements import worklist  # noqa: F401 - register the home page work items
