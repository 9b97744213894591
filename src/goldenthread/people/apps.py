from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "goldenthread.people"
    label = "people"
    verbose_name = "The child index"

    def ready(self) -> None:
        # The home page's worklist provider, and the queue's import task with its failure handler.
        from goldenthread.people import tasks, worklist  # noqa: F401
