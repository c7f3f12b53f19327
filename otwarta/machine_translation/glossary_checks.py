"""Glossary warnings on human translations, shown to the person saving or editing them.

* A translation edited in Wagtail's page editor (written by hand): its whole text is compared with the whole
  text of the Polish page (after_edit_page / after_create_page hooks).
* A synced translation opened in wagtail-localize's translation editor: each translated string is compared
  with its Polish string (before_edit_page hook, on opening the editor — which is also where the editor
  returns after "Publish" and after machine translation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from .glossary import Glossary, GlossaryWarning, glossary_warnings

MAX_LISTED = 6


def page_text(page: Page) -> str:
    """The translatable text of a page (its wagtail-localize string segments), one string a line."""
    from wagtail_localize.segments import StringSegmentValue
    from wagtail_localize.segments.extract import extract_segments

    return "\n".join(s.string.data for s in extract_segments(page) if isinstance(s, StringSegmentValue))


def _unique(warnings: Iterable[GlossaryWarning]) -> list[GlossaryWarning]:
    seen: dict[tuple[str, str], GlossaryWarning] = {}
    for warning in warnings:
        seen.setdefault((warning.term, warning.translation), warning)
    return list(seen.values())


def source_of(page: Page) -> Page | None:
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return None
    source = page.get_translation_or_none(Locale.objects.get(language_code=settings.LANGUAGE_CODE))
    return source.specific if source is not None else None


def warnings_for_page(page: Page) -> list[GlossaryWarning]:
    """The glossary terms the (hand-written) translated ``page`` breaks, compared with its Polish page."""
    source = source_of(page)
    if source is None:
        return []
    source_lang, target_lang = source.locale.language_code, page.locale.language_code
    glossary = Glossary.for_pair(source_lang, target_lang)
    if not glossary:
        return []
    return _unique(glossary_warnings(page_text(source), page_text(page.specific), source_lang, target_lang,
                                     glossary=glossary))


def warnings_for_translation(translation: Any) -> list[GlossaryWarning]:
    """The glossary terms the strings of a synced wagtail-localize ``Translation`` break, string by string
    (strings not translated yet are not checked)."""
    from wagtail_localize.models import StringSegment, StringTranslation

    source_lang = translation.source.locale.language_code
    target_lang = translation.target_locale.language_code
    glossary = Glossary.for_pair(source_lang, target_lang)
    if not glossary:
        return []
    translations = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"), locale_id=translation.target_locale_id,
        context_id=OuterRef("context_id"),
    )
    rows = (StringSegment.objects.filter(source=translation.source)
            .annotate(translated=Subquery(translations.values("data")[:1]))
            .filter(translated__isnull=False).values_list("string__data", "translated"))
    found: list[GlossaryWarning] = []
    for source_text, translated in rows:
        found.extend(glossary_warnings(source_text, translated, source_lang, target_lang, glossary=glossary))
    return _unique(found)


def warning_message(warnings: list[GlossaryWarning]) -> str:
    listed = " ".join(str(w.message) for w in warnings[:MAX_LISTED])
    more = len(warnings) - MAX_LISTED
    if more > 0:
        listed += " " + _("(and %(count)d more)") % {"count": more}
    return _("This translation does not follow the glossary: %(warnings)s") % {"warnings": listed}
