"""Languages of the portal: names, script direction and links between translations of a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PageViewRestriction


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    available: bool
    current: bool


def is_rtl(code: str) -> bool:
    return bool(LANG_INFO.get(code, {}).get("bidi", False))


def direction(code: str) -> str:
    return "rtl" if is_rtl(code) else "ltr"


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


# Codes of languages people speak that Django has no name for (directory, registers, requests).
EXTRA_LANGUAGE_NAMES = {"sgn": _("Polish Sign Language"), "zh": _("Chinese")}


def spoken_language_name(code: str) -> str:
    """The name of a spoken language (an ISO 639 code such as ``uk``) in the reader's language, with a
    capital first letter ("Ukraiński", "Українська"; Django's catalogues differ in case), else the code.
    One function for the directory, the registers and the requests, so a language reads the same in all."""
    code = code.strip().lower()
    if code in EXTRA_LANGUAGE_NAMES:
        name = str(EXTRA_LANGUAGE_NAMES[code])
    else:
        try:
            name = str(translation.get_language_info(code)["name_translated"])
        except (KeyError, AttributeError):
            return code
    return name[:1].upper() + name[1:]


def in_private_section() -> Exists:
    """True for a page at or below a page with a view restriction: Wagtail's ``.public()`` in SQL, so
    that it costs no query of its own (``.public()`` reads every restriction first)."""
    restrictions = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return Exists(restrictions)


def page_translations(page: Page) -> dict[str, Page]:
    """Live, public translations of ``page`` (itself included), keyed by language code (one query)."""
    pages = page.get_translations(inclusive=True).live().exclude(in_private_section()).select_related("locale")
    return {p.locale.language_code: p for p in pages}


def language_links(page: Page | None, current: str, path: str = "",
                   translations: dict[str, Page] | None = None) -> list[LanguageLink]:
    """One link per portal language. For a page without a translation in a language the link leads to
    a notice (in that language) that lists the versions that exist. ``translations``: the result of
    ``page_translations(page)`` when the caller already has it."""
    links = []
    if translations is None and page is not None and page.pk:
        translations = page_translations(page)
    for code, name in settings.LANGUAGES:
        if page is not None and page.pk and translations is not None:
            target = translations.get(code)
            if target is not None:
                url, available = target.url, True
            else:
                with translation.override(code):
                    url = reverse("core:unavailable", kwargs={"page_id": page.pk})  # type: ignore[union-attr]
                available = False
        else:
            url, available = (translate_url(path, code) if path else f"/{code}/"), True
        links.append(LanguageLink(code=code, name=name, url=url, available=available, current=code == current))
    return links
