"""Assembling a print pack in one language: what falls back to Polish (and says so), what editors must fix,
the children's edition, and a content hash that changes only with the content."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from otwarta.directory import testing as f
from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish, translate_page
from otwarta.printing.assemble import build_document, pack_problems, print_html
from otwarta.printing.document import Fallback
from otwarta.printing.models import ItemKind, PackItem, PackType, PrintPack
from otwarta.registers.models import Hotline, Register, RegisterKind

pytestmark = pytest.mark.django_db

CHILDREN_BLOCK: dict[str, Any] = {
    "type": "children",
    "value": {"heading": "Nowa karta dla mamy", "text": "<p>Mama idzie do urzędu. Ty możesz iść z nią.</p>",
              "pictogram": "id"},
}


# --- helpers (also used by test_render) -------------------------------------------------------------------------
def article(slug: str = "karta-pobytu", language: str = "pl") -> ArticlePage:
    return ArticlePage.objects.get(slug=slug, locale__language_code=language)


def make_pack(*items: dict[str, Any], pack_type: str = PackType.WELCOME, slug: str = "powitalny",
              title: str = "Pakiet powitalny") -> PrintPack:
    pack = PrintPack.objects.create(
        institution=Institution.objects.get(slug="urzad"), pack_type=pack_type, slug=slug, title=title,
        subtitle="Na dobry początek", introduction="<p>Witamy w <b>Małopolsce</b>.</p>",
        locale=Locale.objects.get(language_code="pl"),
    )
    for order, fields in enumerate(items):
        PackItem.objects.create(pack=pack, sort_order=order, **fields)
    return pack


def translate_pack(pack: PrintPack, language: str, **texts: Any) -> PrintPack:
    copy = pack.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in texts.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def add_blocks(page: ArticlePage, *blocks: dict[str, Any]) -> ArticlePage:
    page.body = [*[dict(b) for b in page.body.raw_data], *blocks]  # type: ignore[assignment]
    page.save()
    return publish(page).specific


def page_item(slug: str = "karta-pobytu") -> dict[str, Any]:
    return {"kind": ItemKind.PAGE, "page": article(slug)}


# --- languages and fallbacks ------------------------------------------------------------------------------------
def test_untranslated_page_falls_back_to_polish_and_says_so(portal: Any) -> None:
    pack = make_pack(page_item("karta-pobytu"), page_item("pesel"))
    doc = build_document(pack, "uk", "a4")
    first, second = doc.sections
    assert first.language == "uk" and first.title == "Посвідка на тимчасове проживання"
    assert "воєводського управління" in first.html and first.live_url.endswith("/uk/instytucje/urzad/karta-pobytu/")
    assert second.language == "pl" and second.title == "Numer PESEL dla obywateli Ukrainy"
    assert second.live_url.endswith("/pl/instytucje/fundacja/pesel/")
    # the pack itself is not translated into Ukrainian either: its Polish texts, named
    assert doc.title == "Pakiet powitalny"
    assert set(doc.fallbacks) == {Fallback("Pakiet powitalny", "pl"),
                                  Fallback("Numer PESEL dla obywateli Ukrainy", "pl")}
    assert doc.direction == "ltr" and doc.language == "uk" and not doc.problems

    translate_pack(pack, "uk", title="Вітальний пакет", subtitle="", introduction="<p>Ласкаво просимо.</p>")
    doc = build_document(pack, "uk", "a4")
    assert doc.title == "Вітальний пакет" and "Ласкаво просимо." in doc.introduction_html
    assert doc.fallbacks == (Fallback("Numer PESEL dla obywateli Ukrainy", "pl"),)
    polish = build_document(pack, "pl", "a4")
    assert polish.fallbacks == () and [s.language for s in polish.sections] == ["pl", "pl"]


def test_unpublished_translation_is_not_used(portal: Any) -> None:
    pack = make_pack(page_item("karta-pobytu"))
    article("karta-pobytu", "uk").unpublish()
    doc = build_document(pack, "uk", "a4")
    assert doc.sections[0].language == "pl"
    assert Fallback("Karta pobytu czasowego", "pl") in doc.fallbacks


def test_section_of_a_translated_page_by_the_same_index(portal: Any) -> None:
    polish = add_blocks(article(), {"type": "text", "value": "<h2>Opłaty</h2><p>Opłata wynosi 340 zł.</p>"})
    english = article(language="en")
    translate_page(polish, "en", {"body": [dict(b) for b in english.body.raw_data] + [
        {"type": "steps", "value": {"heading": "Step by step", "steps": [{"title": "x", "text": "<p>y</p>"}]}},
        {"type": "documents", "value": {"heading": "Documents", "items": ["Passport"], "note": ""}},
        {"type": "text", "value": "<p>Hello</p>"},
        {"type": "text", "value": "<h2>Fees</h2><p>The fee is 340 zł.</p>"},
    ]})
    # Polish headings: Krok po kroku, Potrzebne dokumenty, Pytania, Opłaty (index 3)
    pack = make_pack({"kind": ItemKind.SECTION, "page": polish, "section_heading": "  opłaty "})
    doc = build_document(pack, "en", "a4")
    assert [(s.title, s.language) for s in doc.sections] == [("Fees", "en")]
    assert "The fee is 340 zł." in doc.sections[0].html and "<h3>Fees</h3>" not in doc.sections[0].html
    # Ukrainian has no such section: the Polish one, named
    doc = build_document(pack, "uk", "a4")
    assert [(s.title, s.language) for s in doc.sections] == [("Opłaty", "pl")]
    assert Fallback("Opłaty", "pl") in doc.fallbacks and "340 zł" in doc.sections[0].html


# --- problems editors must fix ----------------------------------------------------------------------------------
def test_deleted_and_unpublished_pages_are_blocking_problems_that_name_them(portal: Any) -> None:
    pack = make_pack(page_item("karta-pobytu"), page_item("pesel"),
                     {"kind": ItemKind.SECTION, "page": article(), "section_heading": "Nie ma takiego"})
    article("pesel").delete()
    article("karta-pobytu").unpublish()
    with translation.override("en"):
        doc = build_document(pack, "uk", "a4")
        problems = pack_problems(pack)
    assert doc.sections == ()
    messages = [p.message for p in doc.problems]
    assert all(p.blocking for p in doc.problems) and len(messages) == 3
    assert "Numer PESEL dla obywateli Ukrainy" in messages[1] and "deleted" in messages[1]
    assert "Karta pobytu czasowego" in messages[0] and "not published" in messages[0]
    assert [p.message for p in problems] == messages
    assert [p.item_id for p in problems] == list(pack.items.order_by("sort_order").values_list("pk", flat=True))[:3]


def test_missing_section_heading_is_a_blocking_problem(portal: Any) -> None:
    pack = make_pack({"kind": ItemKind.SECTION, "page": article(), "section_heading": "Pytania"},
                     {"kind": ItemKind.SECTION, "page": article(), "section_heading": "Usunięta sekcja"})
    with translation.override("en"):
        problems = pack_problems(pack)
        doc = build_document(pack, "pl", "a4")
    assert [s.title for s in doc.sections] == ["Pytania"]
    assert len(problems) == 1 and problems[0].blocking and "Usunięta sekcja" in problems[0].message


# --- the children's edition -------------------------------------------------------------------------------------
def test_childrens_edition_prints_only_text_for_children(portal: Any) -> None:
    add_blocks(article(), CHILDREN_BLOCK)
    children = make_pack(page_item("karta-pobytu"), page_item("pesel"), pack_type=PackType.CHILDREN,
                         slug="dzieci", title="Dla dzieci")
    doc = build_document(children, "pl", "a4")
    first, second = doc.sections
    assert "Mama idzie do urzędu." in first.html and "/static/img/pictograms/id.svg" in first.html
    assert "Paszport" not in first.html and "Wniosek składasz" not in first.html  # nothing else of the page
    # a page without text for children: its summary, and a problem that does not block
    assert second.html.count("Kto może dostać PESEL UKR") == 1
    assert [(p.blocking, "PESEL" in p.message) for p in doc.problems] == [(False, True)]
    assert [p.message for p in pack_problems(children)] == [p.message for p in doc.problems]
    # other packs leave the text for children out
    welcome = build_document(make_pack(page_item("karta-pobytu")), "pl", "a4")
    assert "Mama idzie do urzędu." not in welcome.sections[0].html and "Paszport" in welcome.sections[0].html


# --- services, institutions, registers --------------------------------------------------------------------------
def test_service_institution_and_register_parts(portal: Any) -> None:
    clinic = f.service("Poradnia dla cudzoziemców", hours=(("MO,TU,WE,TH,FR", "08:00", "16:00"),
                                                           ("SA", "09:00", "12:00")))
    f.translate(clinic, "uk", name="Консультація для іноземців", description="Допомога іноземцям.")
    other = f.service("Punkt informacyjny", hours=())
    register = Register.objects.create(kind=RegisterKind.INTERPRETER, slug="tlumacze",
                                       institution=Institution.objects.get(slug="urzad"),
                                       coordinator_email="k@example.org")
    Hotline.objects.create(register=register, number="+48 12 111 22 33", languages="uk,ru", hours="pon.–pt. 8–20")
    pack = make_pack({"kind": ItemKind.SERVICE, "service": clinic}, {"kind": ItemKind.SERVICE, "service": other},
                     {"kind": ItemKind.INSTITUTION, "institution": Institution.objects.get(slug="urzad")},
                     {"kind": ItemKind.REGISTER, "register": register})
    doc = build_document(pack, "uk", "a4")
    service, untranslated, institution, hotlines = doc.sections
    assert (service.title, service.language) == ("Консультація для іноземців", "uk")
    assert "Допомога іноземцям." in service.html and "ul. Floriańska 1, 31-019 Kraków" in service.html
    assert "08:00–16:00" in service.html and "09:00–12:00" in service.html and "+48 12 000 00 00" in service.html
    assert "Українська" in service.html  # languages spoken, named in the PDF's language
    assert service.live_url.endswith("/uk/uslugi/poradnia-dla-cudzoziemcow/")
    assert (untranslated.title, untranslated.language) == ("Punkt informacyjny", "pl")
    assert Fallback("Punkt informacyjny", "pl") in doc.fallbacks
    assert institution.title == "Urząd Testowy w Krakowie" and "urzad@example.org" in institution.html
    assert 'lang="pl"' in institution.html  # the address and hours are kept in Polish, marked so
    assert "+48 12 111 22 33" in hotlines.html and hotlines.live_url.endswith("/uk/tlumacze/tlumacze/")


# --- the content hash ---------------------------------------------------------------------------------------------
def test_content_hash_is_stable_and_follows_republished_text(portal: Any) -> None:
    pack = make_pack(page_item("karta-pobytu"), page_item("pesel"))
    first = build_document(pack, "en", "a4")
    assert build_document(pack, "en", "a4").content_hash() == first.content_hash()
    assert build_document(pack, "en", "a5-booklet").content_hash() != first.content_hash()
    english = article("karta-pobytu", "en")
    english.body = [{"type": "text", "value": "<p>New rules from next month.</p>"}]  # type: ignore[assignment]
    english.save()
    publish(english)
    changed = build_document(pack, "en", "a4")
    assert "New rules from next month." in changed.sections[0].html
    assert changed.content_hash() != first.content_hash()
    # a draft (saved, not published) changes nothing
    polish = article("pesel")
    polish.title = "Szkic"
    polish.save_revision()
    assert build_document(pack, "en", "a4").content_hash() == changed.content_hash()


def test_print_html_keeps_only_plain_semantic_markup() -> None:
    html = print_html('<h2 class="x" style="color:red">T</h2><p onclick="x()">A <a href="/pl/strona/">link</a>'
                      ' <a href="javascript:alert(1)">bad</a><img src="http://evil.example/x.png"></p><script>1</script>')
    assert html == f'<h3>T</h3><p>A <a href="{settings.SITE_URL}/pl/strona/">link</a> bad</p>'
