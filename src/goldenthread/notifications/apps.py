from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "goldenthread.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The email channel registers itself, and the queue finds its task.
        from goldenthread.notifications import email, tasks  # noqa: F401
