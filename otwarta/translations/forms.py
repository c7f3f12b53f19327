from __future__ import annotations

from typing import Any

from wagtail.admin.forms import WagtailAdminPageForm


class MinorChangeFormMixin:
    """The "minor change" box starts unticked on every edit: it describes this change, not the page."""

    fields: dict[str, Any]
    initial: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "minor_change" in self.fields:
            self.initial["minor_change"] = False


class TranslatablePageForm(MinorChangeFormMixin, WagtailAdminPageForm):
    pass
