from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "goldenthread.notifications"
    label = "notifications"
    verbose_name = "Notifications"
