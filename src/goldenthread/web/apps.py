from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "goldenthread.web"
    label = "web"
    verbose_name = "Web pages"
