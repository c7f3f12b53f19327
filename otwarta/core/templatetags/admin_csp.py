"""``{% admin_script_nonce %}``: ` nonce="…"` for Wagtail's own inline initialisers (core.admin_csp)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from otwarta.core.admin_csp import nonce_attribute

register = template.Library()


@register.simple_tag
def admin_script_nonce() -> SafeString:
    return nonce_attribute()
