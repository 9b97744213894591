from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "goldenthread.exchange"
    label = "exchange"
    verbose_name = "Requests between agencies, disclosures and escalation"

    def ready(self) -> None:
        from goldenthread.exchange import card, consent_hooks, worklist  # noqa: F401 - register them
