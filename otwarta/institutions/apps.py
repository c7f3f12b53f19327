from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "otwarta.institutions"
    label = "institutions"
    verbose_name = "Institutions and areas"
