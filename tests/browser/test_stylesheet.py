"""The stylesheet, read as text (no browser): right-to-left languages mirror it, and it has print rules."""

from __future__ import annotations

import re

from .conftest import ROOT

SITE_CSS = ROOT / "otwarta" / "static" / "css" / "site.css"
PHYSICAL = re.compile(
    r"(?<![-\w])(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:|"
    r"float\s*:\s*(?:left|right)|text-align\s*:\s*(?:left|right)|"
    r"border-(?:top|bottom)-(?:left|right)-radius"
)


def test_stylesheet_uses_logical_properties_only() -> None:
    """Physical left/right properties would not mirror in a right-to-left language."""
    css = re.sub(r"/\*.*?\*/", "", SITE_CSS.read_text(encoding="utf-8"), flags=re.S)
    assert PHYSICAL.findall(css) == []
    assert "inset-inline-start" in css and "padding-inline" in css


def test_stylesheet_has_print_rules() -> None:
    css = SITE_CSS.read_text(encoding="utf-8")
    assert "@media print" in css
    print_rules = " ".join(re.findall(r"@media print\{(.*?)\}\s*(?:@|$)", css, flags=re.S))
    assert ".top" in print_rules and ".foot" in print_rules
