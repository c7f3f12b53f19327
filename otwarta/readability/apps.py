from django.apps import AppConfig


class ReadabilityConfig(AppConfig):
    name = "otwarta.readability"
    label = "readability"
    verbose_name = "Plain-language checks"
