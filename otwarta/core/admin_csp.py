"""The Wagtail admin without ``'unsafe-inline'`` scripts (docs/decisions/0007-admin-csp.md).

Wagtail 7.4 still prints a few executable inline initialisers: every chooser widget (``new PageChooser(…)``,
image, document, snippet and task choosers: ``BaseChooser.render``), the date, time and date-time widgets
(``initDateChooser(…)``), ``InlinePanel`` and ``MultipleChooserPanel``. The admin policy allows scripts from
this site plus the request's CSP nonce (django-csp, ``request.csp_nonce``), and exactly those fixed
initialisers carry the nonce: the overridden templates in ``core/templates/wagtailadmin/`` and the
``BaseChooser.render`` wrapper below. Nothing else gets a nonce, so a script injected into the admin's HTML
(through a title, a rich text, a user name) is still refused by the browser.

Widgets are rendered by Django's form renderer, which knows nothing of the request; the CSP middleware
therefore keeps the current admin request in a context variable (``current_admin_request``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

current_admin_request: ContextVar[HttpRequest | None] = ContextVar("current_admin_request", default=None)


def script_nonce() -> str:
    """The CSP nonce of the admin request being answered ("" outside one)."""
    request = current_admin_request.get()
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    # django-csp's lazy nonce is falsy until evaluated; evaluating it puts it into the header.
    return str(nonce) if nonce is not None else ""


def nonce_attribute() -> SafeString:
    nonce = script_nonce()
    return format_html(' nonce="{}"', nonce) if nonce else mark_safe("")  # noqa: S308


def install_chooser_nonce() -> None:
    """Make Wagtail's chooser widgets give their ``<script>`` initialiser the request's nonce."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "_otwarta_nonce", False):
        return
    original = BaseChooser.render

    def render(self: Any, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        html = str(original(self, name, value, attrs, renderer))
        marker = "<script>"
        position = html.rfind(marker)
        if position == -1:
            return mark_safe(html)  # noqa: S308  (Wagtail's own markup, already safe)
        return mark_safe(html[:position] + f"<script{nonce_attribute()}>" + html[position + len(marker):])  # noqa: S308

    render._otwarta_nonce = True  # type: ignore[attr-defined]
    BaseChooser.render = render  # type: ignore[method-assign]
