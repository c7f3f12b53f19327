"""A health pathway in a print pack prints its steps after its body: every step (the reader's situation is not
known on paper), urgent first, each with its situation, services, documents, cost and language help."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale

from otwarta.institutions.models import Institution
from otwarta.pathways.models import PathwayPage
from otwarta.printing.assemble import build_document
from otwarta.printing.models import ItemKind, PackItem, PackType, PrintPack

from .helpers import make_pathway

pytestmark = pytest.mark.django_db


def pack_of(page: PathwayPage, pack_type: str = PackType.WELCOME) -> PrintPack:
    pack = PrintPack.objects.create(
        institution=Institution.objects.get(slug="urzad"), pack_type=pack_type, slug="zdrowie", title="Zdrowie",
        subtitle="", introduction="<p>Witamy.</p>", locale=Locale.objects.get(language_code="pl"),
    )
    PackItem.objects.create(pack=pack, sort_order=0, kind=ItemKind.PAGE, page=page)
    return pack


def test_print_pack_prints_the_steps_after_the_body(portal: Any) -> None:
    page = make_pathway()
    doc = build_document(pack_of(page), "pl", "a4")
    (section,) = doc.sections
    assert section.title == "Do lekarza" and not doc.problems
    html = section.html
    assert html.index("Przygotuj dokument tożsamości.") < html.index("W nagłym wypadku dzwoń pod 112")
    soup = BeautifulSoup(html, "html.parser")
    steps = soup.select("ol.steps > li")
    with translation.override("pl"):
        urgent = gettext("Urgent")  # the PDF's language
    assert [li.select_one(".step-title").get_text(" ", strip=True).split(": ", 1)[1]  # type: ignore[union-attr]
            for li in steps] == [
        f"W nagłym wypadku dzwoń pod 112 ({urgent})", "Zapisz się do lekarza rodzinnego",
        "Pokaż potwierdzenie ubezpieczenia", "Zapłać za wizytę albo znajdź bezpłatną pomoc", "Zaszczep dziecko",
    ]
    assert "nie mam ubezpieczenia" in steps[3].get_text()
    first = steps[1]
    assert "Przychodnia Rodzinna" in first.get_text() and "ul. Floriańska 1" in first.get_text()  # the service card
    assert [li.get_text() for li in first.select("ul.checklist > li")] == ["Paszport", "Numer PESEL"]
    assert "Bezpłatnie w ramach NFZ." in first.get_text()
    assert f"{settings.SITE_URL}/pl/tlumacze/tlumacze/" in first.get_text()  # the interpreters' register


def test_print_pack_in_a_translation(portal: Any) -> None:
    page = make_pathway()
    doc = build_document(pack_of(page), "en", "a4")
    (section,) = doc.sections
    assert section.title == "To the doctor" and section.language == "en"
    text = " ".join(BeautifulSoup(section.html, "html.parser").get_text(" ").split())
    assert "If: Health insurance — not insured" in text
    assert f"{settings.SITE_URL}/en/tlumacze/tlumacze/" in section.html


def test_childrens_edition_prints_no_steps(portal: Any) -> None:
    page = make_pathway(translate=False)
    doc = build_document(pack_of(page, PackType.CHILDREN), "pl", "a4")
    assert "Zaszczep dziecko" not in doc.sections[0].html
