"""The "Translations" panel of the page editor: the "minor change" box and where each translation of
this page stands, with a link to work on it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from otwarta.core.languages import language_name

from .models import STATUS_CLASSES
from .services import statuses_for


class TranslationStatusPanel(Panel):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("heading", _("Translation status"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "translations/panel.html"

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            page = self.instance
            rows = []
            if getattr(page, "pk", None):
                for locale, status, target_id in statuses_for(page):
                    rows.append({
                        "code": locale.language_code, "name": language_name(locale.language_code),
                        "status": status.label, "class": STATUS_CLASSES[status],
                        "current": locale.pk == page.locale_id,
                        "url": reverse("wagtailadmin_pages:edit", args=[target_id]) if target_id else None,
                    })
            context.update(rows=rows, is_source=getattr(page, "locale", None) is not None
                           and page.locale.language_code == settings.LANGUAGE_CODE)
            return context
