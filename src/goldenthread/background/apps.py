from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "goldenthread.background"
    label = "background"
    verbose_name = "Background work"
