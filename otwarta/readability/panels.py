"""The "Plain language" panel of the page editor.

Server-rendered: it analyses the page the editor is looking at (in the edit view, the latest saved draft),
so it works without JavaScript. ``static/readability/readability-panel.js`` then re-checks the form as the
editor types, through the JSON endpoint in :mod:`otwarta.readability.views`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from .presentation import results_context
from .services import DEFAULT_FIELDS, analyse, get_config, normalise_language, text_from_page


def page_language(page: Any) -> str:
    """The language of a page's locale (``pl``, ``uk``, …), or the site's default language."""
    locale = getattr(page, "locale", None) if getattr(page, "locale_id", None) else None
    code = getattr(locale, "language_code", "") or settings.LANGUAGE_CODE
    return normalise_language(code) or normalise_language(settings.LANGUAGE_CODE)


class ReadabilityPanel(Panel):
    """Readability statistics of ``fields`` of the page, in the language of the page's locale."""

    def __init__(self, fields: Iterable[str] = DEFAULT_FIELDS, **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Plain language"))
        kwargs.setdefault("icon", "glasses")
        super().__init__(**kwargs)
        self.fields = tuple(fields)

    def clone_kwargs(self) -> dict[str, Any]:
        return {**super().clone_kwargs(), "fields": self.fields}

    class BoundPanel(Panel.BoundPanel):
        template_name = "readability/panel.html"

        class Media:
            js = ["readability/readability-panel.js"]
            css = {"all": ["readability/readability-panel.css"]}

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            language = page_language(self.instance)
            result = analyse(text_from_page(self.instance, self.panel.fields), language, get_config())
            context.update(results_context(result))
            context["endpoint_url"] = reverse("readability:analyse")
            return context
