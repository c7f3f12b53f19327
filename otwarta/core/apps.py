from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "otwarta.core"
    label = "core"
    verbose_name = "Core: shared layout, health, languages"

    def ready(self) -> None:
        from . import production_checks  # noqa: F401  (registers the scale-out checks)
        from .admin_csp import install_chooser_nonce

        install_chooser_nonce()  # Wagtail's chooser initialisers run under the admin CSP nonce
