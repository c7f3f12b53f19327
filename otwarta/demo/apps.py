from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "otwarta.demo"
    label = "demo"
    verbose_name = "Demonstration content"
