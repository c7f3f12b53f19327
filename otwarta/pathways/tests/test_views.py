"""The pathway page as readers get it: in Polish and in a translation, the situation form (answers kept in the
address, preselected from the guide's links), the steps with their services, documents, cost and language
help, the caching and referrer headers, and the pathway in its topic's list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from otwarta.pathways.models import PathwayPage

from .helpers import SLUG, make_pathway

pytestmark = pytest.mark.django_db

PL = f"/pl/instytucje/urzad/{SLUG}/"
EN = f"/en/instytucje/urzad/{SLUG}/"


@pytest.fixture
def pathway(portal: Any) -> PathwayPage:
    return make_pathway()


def get(path: str) -> tuple[Any, BeautifulSoup]:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response, BeautifulSoup(response.content.decode(), "html.parser")


def step_titles(soup: BeautifulSoup) -> list[str]:
    """The steps' titles in the order shown (after their "Step N:" number, which must count from 1)."""
    titles = []
    for number, heading in enumerate(soup.select("ol.pw-list > li > h3"), start=1):
        label = heading.select_one(".pw-number")
        assert label is not None and re.search(rf"\b{number}\b", label.get_text()), heading
        titles.append(heading.get_text(" ", strip=True).removeprefix(label.get_text()).strip())
    return titles


def checked(soup: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field in soup.select("form.pw-form input[checked]"):
        found.setdefault(str(field["name"]), []).append(str(field["value"]))
    return found


def test_polish_page_without_answers(pathway: PathwayPage) -> None:
    response, soup = get(PL)
    main = soup.select_one("main")
    assert main is not None
    assert soup.h1 is not None and soup.h1.get_text() == "Do lekarza"
    assert "Jak dostać się do lekarza w Małopolsce." in main.get_text()
    assert "Przygotuj dokument tożsamości." in soup.select_one("#pw-before").parent.get_text()  # type: ignore[union-attr]
    # headings in order: h1, then h2 sections, h3 steps, h4 parts of a step
    levels = [int(h.name[1]) for h in main.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    # the form: GET, a fieldset with a legend per question, radio buttons, nothing chosen yet
    form = soup.select_one("form.pw-form")
    assert form is not None and form["method"] == "get" and form["action"] == PL + "#pw-steps"
    assert [legend.get_text() for legend in form.select("fieldset > legend")] == ["Ubezpieczenie zdrowotne",
                                                                                 "Dla kogo"]
    for field in form.select("input"):
        assert field["type"] == "radio" and soup.select_one(f'label[for="{field["id"]}"]') is not None
    assert checked(soup) == {"insurance": [""], "age": [""]}
    assert form.select_one("button[type=submit]") is not None and not form.select("a")  # nothing to clear
    # every step, the urgent one first, the conditional ones labelled
    assert step_titles(soup) == [
        "W nagłym wypadku dzwoń pod 112", "Zapisz się do lekarza rodzinnego", "Pokaż potwierdzenie ubezpieczenia",
        "Zapłać za wizytę albo znajdź bezpłatną pomoc", "Zaszczep dziecko",
    ]
    steps = soup.select("ol.pw-list > li")
    assert "pw-urgent" in steps[0]["class"] and steps[1].select_one(".pw-if") is None
    assert "nie mam ubezpieczenia" in steps[3].select_one(".pw-if").get_text()  # type: ignore[union-attr]
    # the first step: the service card (as the article's block shows it), documents, cost, language help
    first = steps[1]
    assert first.select_one('.dir-service-card a[href="/pl/uslugi/przychodnia-rodzinna/"]') is not None
    assert "dir-open" in str(first)
    assert [li.get_text() for li in first.select("ul.check > li")] == ["Paszport", "Numer PESEL"]
    assert "Bezpłatnie w ramach NFZ." in first.get_text()
    links = [a["href"] for a in first.select("ul.pw-help a")]
    assert links == ["/pl/tlumacze/tlumacze/", "/pl/zamow-tlumacza/?register=interpreter",
                     "/pl/tlumacze/"]  # no assistants' register yet: the registers' index, no request form
    assert "Tłumacz może być obecny przez telefon." in first.get_text()
    # cacheable: no private headers without a query string, no inline style or script
    assert "no-store" not in response.get("Cache-Control", "")
    assert response["Referrer-Policy"] != "no-referrer"
    assert not soup.select("[style]") and not [s for s in soup.select("script") if not s.get("src")]


def test_answers_in_the_address_choose_the_steps(pathway: PathwayPage) -> None:
    response, soup = get(PL + "?insurance=not-insured&age=")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert checked(soup) == {"insurance": ["not-insured"], "age": [""]}
    assert step_titles(soup) == ["W nagłym wypadku dzwoń pod 112", "Zapisz się do lekarza rodzinnego",
                                 "Zapłać za wizytę albo znajdź bezpłatną pomoc"]  # numbered 1, 2, 3
    clear = soup.select_one("form.pw-form a")
    assert clear is not None and clear["href"] == PL
    assert "2" in soup.select_one("#pw-steps-h").find_next("p").get_text()  # type: ignore[union-attr]


def test_a_link_from_the_guide_preselects_the_shared_questions(pathway: PathwayPage) -> None:
    response, soup = get(PL + "?insurance=not-insured&residence=pesel-ukr&with=children")
    assert response["Cache-Control"] == "private, no-store"
    assert checked(soup) == {"insurance": ["not-insured"], "age": [""]}
    assert not soup.select('input[name="residence"], input[name="with"]')
    # several answers to one question (allowed by the guide): check boxes keep them all
    _response, soup = get(PL + "?insurance=nfz-work&insurance=nfz-pesel-ukr")
    assert {f["type"] for f in soup.select('input[name="insurance"]')} == {"checkbox"}
    assert checked(soup)["insurance"] == ["nfz-work", "nfz-pesel-ukr"]


def test_translated_page(pathway: PathwayPage) -> None:
    _response, soup = get(EN + "?insurance=not-insured")
    assert soup.h1 is not None and soup.h1.get_text() == "To the doctor"
    assert soup.select_one("html")["lang"] == "en"  # type: ignore[index]
    assert [legend.get_text() for legend in soup.select("fieldset > legend")] == ["Health insurance", "For whom"]
    assert checked(soup)["insurance"] == ["not-insured"]
    conditional = [p.get_text(" ", strip=True) for p in soup.select(".pw-if")]
    assert conditional == ["If: Health insurance — not insured"]
    assert soup.select_one('ul.pw-help a[href="/en/tlumacze/tlumacze/"]') is not None
    assert "Show my steps" in soup.get_text()
    # without answers every alternative, each labelled
    _response, soup = get(EN)
    assert [p.get_text(" ", strip=True) for p in soup.select(".pw-if")] == [
        "If: Health insurance — through work or as a person with PESEL UKR",
        "If: Health insurance — not insured",
        "If: For whom — a child; Health insurance — through work or as a person with PESEL UKR",
    ]


def test_listed_on_its_topic_and_institution_pages(pathway: PathwayPage) -> None:
    _response, soup = get("/pl/pobyt/")
    assert soup.select_one(f'ul.list a[href="{PL}"]') is not None
    _response, soup = get("/en/pobyt/")
    assert soup.select_one(f'a[href="{EN}"]') is not None
    _response, soup = get("/pl/instytucje/urzad/")
    assert soup.select_one(f'a[href="{PL}"]') is not None


def test_language_switcher_carries_only_the_known_answers(pathway: PathwayPage) -> None:
    _response, soup = get(f"{PL}?insurance=not-insured&age=martian&name=Olena")
    english = soup.select_one(f'nav.langs a[href^="{EN}"]')
    assert english is not None and english["href"] == f"{EN}?insurance=not-insured"
