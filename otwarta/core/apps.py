from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "otwarta.core"
    label = "core"
    verbose_name = "Core: shared layout, health, languages"
