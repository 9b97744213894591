from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "goldenthread.consent"
    label = "consent"
    verbose_name = "Consent, competence and capacity, how we share"

    def ready(self) -> None:
        from goldenthread.consent import card, worklist  # noqa: F401 - register the card section, worklist
