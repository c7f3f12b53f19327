"""Errors of machine translation. Each carries a message for the editor (translatable) and, separately,
the technical detail for the log."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class MachineTranslationError(Exception):
    default_message: str | Promise = _("Machine translation failed.")

    def __init__(self, message: str | Promise | None = None, *, detail: str = "") -> None:
        self.message = message if message is not None else self.default_message
        self.detail = detail
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class NotConfigured(MachineTranslationError):
    default_message = _("No machine translation service is configured for this language pair.")


class BackendUnavailable(MachineTranslationError):
    default_message = _("The machine translation service is not available at the moment. Please try again later.")


class AuthenticationFailed(MachineTranslationError):
    default_message = _(
        "The machine translation service refused the key configured for it. Please tell the site administrators."
    )


class QuotaExceeded(MachineTranslationError):
    default_message = _(
        "The machine translation service's own character quota is used up. Please tell the site administrators."
    )


class UnsupportedLanguagePair(MachineTranslationError):
    default_message = _("The machine translation service does not translate between these languages.")


class BudgetExceeded(MachineTranslationError):
    default_message = _("This month's machine translation allowance is used up.")
