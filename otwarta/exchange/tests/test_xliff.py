"""XLIFF 1.2: exports validate against the strict schema; a filled file comes back as a draft; a file with
any problem is rejected as a whole with every problem reported, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from wagtail.models import Page
from wagtail_localize.models import StringTranslation

from otwarta.exchange.operations import Format, export, import_upload
from otwarta.exchange.services import ImportRejected, Scope
from otwarta.translations.models import TranslationRecord

from .helpers import (
    article_with_markup,
    locale,
    polish_page,
    q,
    rejected_import,
    schema,
    snapshot,
    translate_xliff,
    unit_element,
    user,
)


@pytest.fixture
def article(portal: Any) -> Page:
    return article_with_markup()


def export_article(page: Page, code: str = "uk", username: str = "urzad-editor") -> bytes:
    return export(Scope.PAGE, Format.XLIFF, locale(code), user(username), page).content


def rejected(content: bytes, code: str = "uk", username: str = "urzad-editor", name: str = "t.xlf") -> list[Any]:
    return rejected_import(content, Format.XLIFF, name, code, username)


# --- export ---------------------------------------------------------------------------------------------
def test_page_export_validates_against_the_strict_schema(article: Page) -> None:
    content = export_article(article)
    document = etree.fromstring(content)
    xsd = schema()
    assert xsd.validate(document), xsd.error_log
    file = document.find(q("file"))
    assert file.get("source-language") == "pl" and file.get("target-language") == "uk"
    assert file.get("original") == f"page:{article.translation_key}"
    assert "Karta pobytu czasowego" in file.find(q("header")).find(q("note")).text
    assert "/pl/instytucje/urzad/karta-pobytu/" in file.find(q("header")).find(q("note")).text


def test_section_and_locale_exports_validate_with_one_file_per_page(article: Page) -> None:
    xsd = schema()
    section = export(Scope.SECTION, Format.XLIFF, locale("ka"), user("urzad-editor"), article)
    document = etree.fromstring(section.content)
    assert xsd.validate(document), xsd.error_log
    section_pages = Page.objects.filter(path__startswith=article.get_parent().path, locale=article.locale).live()
    assert len(document.findall(q("file"))) == section_pages.count() == section.pages >= 2
    everything = export(Scope.LOCALE, Format.XLIFF, locale("ka"), user("region"))
    document = etree.fromstring(everything.content)
    assert xsd.validate(document), xsd.error_log
    assert len(document.findall(q("file"))) == Page.objects.filter(locale=article.locale, depth__gt=1).live().count()


def test_inline_markup_becomes_xliff_inline_elements(article: Page) -> None:
    root = etree.fromstring(export_article(article))
    sources = [unit.find(q("source")) for unit in root.iter(q("trans-unit"))]
    rich = next(source for source in sources if len(source))
    assert [(child.tag.split("}")[1], child.get("id"), child.get("ctype")) for child in rich.iter()][1:] == [
        ("g", "1", "bold"), ("g", "a1", "link"), ("x", "2", "lb"), ("g", "3", "italic")]
    assert rich.xpath("string()") == "Wniosek składasz w urzędzie wojewódzkim.Potem czekasz na decyzję."
    assert "href" not in etree.tostring(rich, encoding="unicode")  # the address stays in the portal
    unit = rich.getparent()
    assert unit.get("id") == f"{article.translation_key}:{unit.get('resname')}:" + unit.get("id").rsplit(":", 1)[1]
    assert unit.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_existing_translations_prefill_the_targets(article: Page) -> None:
    content = translate_xliff(export_article(article), only=3)
    import_upload("t.xlf", content, locale("uk"), user("urzad-editor"), fmt=Format.XLIFF)
    StringTranslation.objects.filter(locale=locale("uk"), data__startswith="UK Jak").update(translation_type="machine")
    root = etree.fromstring(export_article(article))
    targets = {unit.get("resname"): unit.find(q("target")) for unit in root.iter(q("trans-unit"))}
    assert targets["title"].text == "UK Karta pobytu czasowego" and targets["title"].get("state") == "translated"
    assert targets["summary"].get("state") == "needs-review-translation"  # machine-made: to be reviewed
    assert sum(target is not None for target in targets.values()) == 3


# --- round trip -----------------------------------------------------------------------------------------
def test_round_trip_saves_a_draft_of_the_translated_page(article: Page) -> None:
    uk_page = article.get_translation(locale("uk")).specific
    live_title = uk_page.title
    content = translate_xliff(export_article(article))
    result = import_upload("karta.xlf", content, locale("uk"), user("urzad-editor"), fmt=Format.XLIFF)
    assert [page.pk for page in result.pages] == [uk_page.pk] and not result.published
    uk_page = Page.objects.get(pk=uk_page.pk).specific
    assert uk_page.live and uk_page.title == live_title  # readers still see the published version
    assert uk_page.has_unpublished_changes
    draft = uk_page.get_latest_revision_as_object()
    assert draft.title == "UK Karta pobytu czasowego"
    html = str(draft.body[0].value)
    assert '<b>UK składasz</b>' not in html  # only the text before the first element is prefixed
    assert 'UK Wniosek <b>składasz</b> w <a href="https://urzad.example.org/cudzoziemcy">urzędzie wojewódzkim</a>' \
        in html
    assert "<i>czekasz</i>" in html
    stored = StringTranslation.objects.filter(locale=locale("uk"), data="UK Karta pobytu czasowego").get()
    assert stored.translation_type == "manual" and stored.last_translated_by == user("urzad-editor")
    record = TranslationRecord.objects.get(translation_key=article.translation_key, locale=locale("uk"))
    assert record.origin == "human" and record.synced_by == user("urzad-editor")


def test_untranslated_units_stay_untranslated_and_a_new_page_is_a_draft(portal: Any) -> None:
    pesel = polish_page("/fundacja/pesel/")
    assert pesel.get_translation_or_none(locale("uk")) is None
    content = translate_xliff(export_article(pesel, username="fundacja-editor"), only=1)  # the title only
    result = import_upload("p.xlf", content, locale("uk"), user("fundacja-editor"), fmt=Format.XLIFF)
    page = result.pages[0]
    assert not page.live and page.locale == locale("uk") and page.title == "UK Numer PESEL dla obywateli Ukrainy"
    assert "PESEL ze statusem UKR" in str(page.body[0].value)  # untranslated: the Polish text
    assert result.complete == []  # not fully translated: no sync recorded
    assert not TranslationRecord.objects.filter(translation_key=pesel.translation_key, locale=locale("uk")).exists()


def test_publish_option_publishes(article: Page, django_capture_on_commit_callbacks: Any) -> None:
    content = translate_xliff(export_article(article, username="urzad-moderator"))
    with django_capture_on_commit_callbacks(execute=True):
        result = import_upload("k.xlf", content, locale("uk"), user("urzad-moderator"), fmt=Format.XLIFF,
                               publish=True)
    page = Page.objects.get(pk=result.pages[0].pk)
    assert page.live and page.title == "UK Karta pobytu czasowego" and not page.has_unpublished_changes


def test_editor_without_publishing_rights_cannot_publish(article: Page) -> None:
    content = translate_xliff(export_article(article))
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_upload("k.xlf", content, locale("uk"), user("urzad-editor"), fmt=Format.XLIFF, publish=True)
    assert "may not publish" in caught.value.problems[0].message
    assert snapshot() == before


# --- rejection ------------------------------------------------------------------------------------------
def test_wrong_target_language_is_rejected(article: Page) -> None:
    content = translate_xliff(export_article(article, code="en"))
    problems = rejected(content, code="uk")
    assert len(problems) == 1
    assert "“en”" in problems[0].message and "“uk”" in problems[0].message
    assert "page:" in problems[0].file


def test_wrong_source_language_is_rejected(article: Page) -> None:
    content = translate_xliff(export_article(article)).replace(b'source-language="pl"', b'source-language="de"')
    problems = rejected(content)
    assert any("“de”" in problem.message for problem in problems)


def test_unknown_and_duplicate_units_and_broken_markup_are_all_reported(article: Page) -> None:
    root = etree.fromstring(translate_xliff(export_article(article)))
    units = list(root.iter(q("trans-unit")))
    units[0].set("id", f"{article.translation_key}:title:000000000000")  # unknown unit (changed source)
    units[1].getparent().append(etree.fromstring(etree.tostring(units[2])))  # duplicate unit
    rich = next(unit for unit in units if len(unit.find(q("source"))))
    target = rich.find(q("target"))
    target.remove(target.find(q("g")))  # missing inline element (the bold one, with its text)
    link = target.find(q("g"))
    link.set("ctype", "bold")  # wrong ctype for the link
    etree.SubElement(target, q("g"), id="99", ctype="bold").text = "extra"  # not in the source
    problems = rejected(etree.tostring(root))
    by_unit = {problem.unit: problem.message for problem in problems}
    assert len(problems) == 3
    assert "No such unit" in by_unit[f"{article.translation_key}:title:000000000000"]
    assert "more than once" in by_unit[units[2].get("id")]
    message = by_unit[rich.get("id")]
    assert '<g id="99">' in message and 'should be <g id="a1" ctype="link">' in message
    assert 'missing in the target: <g id="1" ctype="bold">' in message
    assert all(problem.line for problem in problems)


def test_inline_element_of_another_kind_is_rejected(article: Page) -> None:
    root = etree.fromstring(translate_xliff(export_article(article)))
    rich = next(unit for unit in root.iter(q("trans-unit")) if len(unit.find(q("source"))))
    etree.SubElement(rich.find(q("target")), q("ph"), id="p1").text = "<b>"
    problems = rejected(etree.tostring(root))
    assert "unsupported element <ph>" in problems[0].message


def test_unit_of_another_page_is_rejected(article: Page) -> None:
    pesel = polish_page("/fundacja/pesel/")
    other = etree.fromstring(export_article(pesel, username="region"))
    root = etree.fromstring(translate_xliff(export_article(article)))
    root.find(q("file")).find(q("body")).append(next(other.iter(q("trans-unit"))))
    problems = rejected(etree.tostring(root))
    assert [problem.message for problem in problems] == ["This unit belongs to another page than its <file>."]


def test_page_of_another_institution_is_rejected(article: Page) -> None:
    content = translate_xliff(export_article(article))
    problems = rejected(content, username="fundacja-editor")
    assert "You may not edit the page “Karta pobytu czasowego”" in problems[0].message


def test_malformed_xml_is_rejected(article: Page) -> None:
    content = translate_xliff(export_article(article)).replace(b"</target>", b"</targt>", 1)
    problems = rejected(content)
    assert len(problems) == 1 and "not well-formed XML" in problems[0].message and problems[0].line


def test_not_xliff_is_rejected(portal: Any) -> None:
    problems = rejected(b'<?xml version="1.0"?><html><body>Hello</body></html>')
    assert "not an XLIFF document" in problems[0].message
    problems = rejected(b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"/>')
    assert "not an XLIFF document" in problems[0].message
    problems = rejected(b"msgid \"\"\nmsgstr \"\"\n")
    assert "not well-formed XML" in problems[0].message


def test_doctype_is_refused(article: Page) -> None:
    content = translate_xliff(export_article(article)).replace(
        b"<xliff", b'<!DOCTYPE xliff [<!ENTITY e "boom">]>\n<xliff', 1)
    problems = rejected(content)
    assert "DOCTYPE" in problems[0].message


def test_invalid_slug_is_rejected(article: Page) -> None:
    root, unit = unit_element(translate_xliff(export_article(article)), "slug")
    unit.find(q("target")).text = "посвідка"
    problems = rejected(etree.tostring(root))
    assert "slug" in problems[0].message


def test_targets_marked_new_are_not_imported(article: Page) -> None:
    root = etree.fromstring(translate_xliff(export_article(article)))
    for target in root.iter(q("target")):
        target.set("state", "needs-translation")
    result = import_upload("t.xlf", etree.tostring(root), locale("uk"), user("urzad-editor"), fmt=Format.XLIFF)
    assert result.units == 0


def test_xliff_without_namespace_is_read(article: Page) -> None:
    content = translate_xliff(export_article(article)).replace(
        b' xmlns="urn:oasis:names:tc:xliff:document:1.2"', b"", 1)
    result = import_upload("t.xlf", content, locale("uk"), user("urzad-editor"), fmt=Format.XLIFF)
    assert result.units > 5
