from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    """Translation status of every public translatable object in every target locale, the translation
    dashboard and the readers' notices on machine-translated and outdated translations."""

    name = "otwarta.translations"
    label = "translations"
    verbose_name = _("Translations")

    def ready(self) -> None:
        from . import signals  # noqa: F401
