from django.apps import AppConfig


class CurrencyConfig(AppConfig):
    name = "otwarta.currency"
    label = "currency"
    verbose_name = "Keeping content current"
