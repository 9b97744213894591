from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "goldenthread.agencies"
    label = "agencies"
    verbose_name = "Agencies, teams and memberships"
