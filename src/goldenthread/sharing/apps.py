from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "goldenthread.sharing"
    label = "sharing"
    verbose_name = "Decisions, disclosures, requests and advice"

    def ready(self) -> None:
        from goldenthread.sharing import card, consent_hooks, worklist  # noqa: F401 - register them
