from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "otwarta.search"
    label = "portal_search"
    verbose_name = "Multilingual search"
