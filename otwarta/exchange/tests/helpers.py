"""Helpers of the exchange tests: accounts, the article with inline markup, a translator filling files."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from lxml import etree
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation

from otwarta.exchange.xliff import NS, load_schema
from otwarta.portal.services import publish

SCHEMA = Path(settings.BASE_DIR).parent / "shared" / "reference" / "xliff" / "xliff-core-1.2-strict.xsd"
RICH_TEXT = ('<p>Wniosek <b>składasz</b> w <a href="https://urzad.example.org/cudzoziemcy">urzędzie '
             'wojewódzkim</a>.<br/>Potem <i>czekasz</i> na decyzję.</p>')
ARTICLE_URL = "/pl/instytucje/urzad/karta-pobytu/"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def polish_page(url_path_end: str) -> Page:
    return Page.objects.get(url_path__endswith=url_path_end, locale__language_code="pl").specific


def article_with_markup() -> Page:
    """The urzad article, its first text block rewritten with bold, italic, a link and a line break."""
    page = polish_page("/urzad/karta-pobytu/")
    body = page.body.raw_data
    body[0]["value"] = RICH_TEXT
    page.body = body
    page.save()
    return publish(page)


def schema() -> etree.XMLSchema:
    """The official strict schema from ../shared (CI has it beside the clone): a missing schema fails."""
    if not SCHEMA.exists():
        pytest.fail(f"the XLIFF 1.2 strict schema is missing: {SCHEMA}", pytrace=False)
    return load_schema(SCHEMA)


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def translate_xliff(content: bytes, prefix: str = "UK ", only: int | None = None) -> bytes:
    """A translator's work: every unit's <target> = its <source> (inline elements and all) with the text
    prefixed, the page address a valid slug. ``only``: translate just the first N units."""
    root = etree.fromstring(content)
    for count, unit in enumerate(root.iter(q("trans-unit"))):
        if only is not None and count >= only:
            break
        for old in unit.findall(q("target")):
            unit.remove(old)
        target = copy.deepcopy(unit.find(q("source")))
        target.tag = q("target")
        target.set("state", "translated")
        if unit.get("resname") == "slug":
            target.text = f"{target.text}-uk"
        else:
            target.text = prefix + (target.text or "")
        unit.find(q("source")).addnext(target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def unit_element(content: bytes, resname_end: str) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(content)
    for unit in root.iter(q("trans-unit")):
        if unit.get("resname", "").endswith(resname_end) or unit.find(q("source")).xpath("string()") == resname_end:
            return root, unit
    raise AssertionError(f"no unit {resname_end}")


def snapshot(code: str = "uk") -> tuple[Any, ...]:
    """What an import may change: string translations, pages and their revisions, translation records."""
    from wagtail.models import Revision

    from otwarta.translations.models import TranslationRecord

    return (
        sorted(StringTranslation.objects.filter(locale__language_code=code).values_list("pk", "data", "updated_at")),
        sorted(Page.objects.filter(locale__language_code=code)
               .values_list("pk", "title", "live", "latest_revision_id")),
        Revision.objects.count(),
        sorted(TranslationRecord.objects.values_list("pk", "synced_at")),
    )


def rejected_import(content: bytes, fmt: Any, name: str, code: str = "uk", username: str = "urzad-editor") -> list[Any]:
    """Import ``content`` expecting a rejection: returns the problems, after checking nothing changed."""
    from otwarta.exchange.operations import import_upload
    from otwarta.exchange.services import ImportRejected

    before = snapshot(code)
    with pytest.raises(ImportRejected) as caught:
        import_upload(name, content, locale(code), user(username), fmt=fmt)
    assert snapshot(code) == before, "a rejected file changed something"
    return caught.value.problems
