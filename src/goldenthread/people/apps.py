from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "goldenthread.people"
    label = "people"
    verbose_name = "The child index"

    def ready(self) -> None:
        from goldenthread.people import worklist  # noqa: F401 - registers the home page's worklist provider
