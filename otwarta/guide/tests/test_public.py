"""The situation guide for readers: the questions in one GET form, the personal checklist at ``wynik/``, its
PDF at ``wynik.pdf``, in Polish and Ukrainian; privacy (headers, nothing written to the database, no
cookie, nothing from other sites), unknown answers ignored, and a light page."""

from __future__ import annotations

import gzip
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from otwarta.core.tests.test_page_weight import MAX_COMPRESSED_BYTES, gzipped_size, page_assets, static_file
from otwarta.directory import testing as directory
from otwarta.guide.models import SituationGuidePage
from otwarta.portal.models import ArticlePage, HomePage
from otwarta.portal.services import publish, translate_page
from otwarta.registers import testing as registers
from otwarta.registers.models import RegisterKind

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
KRAKOW = "1261"
ANSWERS = {"residence": "visa", "need": ["doctor", "documents"], "place": KRAKOW}
ACTION_DOCTOR = {"pl": "Zapisz się do lekarza rodzinnego.", "uk": "Запишіться до сімейного лікаря."}
ACTION_CARD = {"pl": "Złóż wniosek o kartę pobytu przed końcem wizy.",
               "uk": "Подайте заяву на посвідку до закінчення візи."}
QUESTION_TEXTS = {
    "pl": ("Na jakiej podstawie jesteś w Polsce?", "Czego potrzebujesz teraz?", "Gdzie mieszkasz?"),
    "uk": ("На якій підставі ви перебуваєте в Польщі?", "Що вам зараз потрібно?", "Де ви живете?"),
}
OPTIONS = {
    "pl": {"residence": ["PESEL UKR", "Karta pobytu", "Wiza"], "need": ["Lekarz", "Dokumenty", "Praca"]},
    "uk": {"residence": ["PESEL UKR", "Посвідка на проживання", "Віза"], "need": ["Лікар", "Документи", "Робота"]},
}


def item(value: dict[str, Any]) -> dict[str, Any]:
    """A ListBlock item in Wagtail's stored format (without an id, the dict would be taken as the value)."""
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def questions(language: str) -> str:
    texts, options = QUESTION_TEXTS[language], OPTIONS[language]
    return json.dumps([
        {"type": "question", "value": {
            "key": "residence", "question": texts[0], "help_text": "", "kind": "choice", "multiple": False,
            "options": [item({"key": k, "label": label}) for k, label in
                        zip(["pesel-ukr", "residence-card", "visa"], options["residence"], strict=True)]}},
        {"type": "question", "value": {
            "key": "need", "question": texts[1], "help_text": "", "kind": "choice", "multiple": True,
            "options": [item({"key": k, "label": label}) for k, label in
                        zip(["doctor", "documents", "work"], options["need"], strict=True)]}},
        {"type": "question", "value": {"key": "place", "question": texts[2], "help_text": "", "kind": "place",
                                       "multiple": False, "options": []}},
    ])


def recommendation(kind: str, priority: int, text: str = "", page: int | None = None, categories: str = "",
                   register: str = "") -> dict[str, Any]:
    return item({"kind": kind, "priority": priority, "text": text, "page": page, "categories": categories,
                 "register": register})


def condition(question: str, answers: str) -> dict[str, Any]:
    return item({"question": question, "answers": answers})


def rules(language: str) -> str:
    card = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    pesel = ArticlePage.objects.get(locale__language_code="pl", slug="pesel")
    return json.dumps([
        {"type": "rule", "value": {"name": "Karta pobytu", "when": [condition("residence", "residence-card, visa")],
                                   "recommendations": [recommendation("do", 10, ACTION_CARD[language]),
                                                       recommendation("read", 20, page=card.pk)]}},
        {"type": "rule", "value": {"name": "Lekarz", "when": [condition("need", "doctor")],
                                   "recommendations": [recommendation("do", 5, ACTION_DOCTOR[language]),
                                                       recommendation("services", 30, categories="health"),
                                                       recommendation("language", 40,
                                                                      register=RegisterKind.INTERPRETER)]}},
        {"type": "rule", "value": {"name": "Dokumenty", "when": [condition("need", "documents")],
                                   "recommendations": [recommendation("read", 25, page=pesel.pk)]}},
    ])


def make_guide() -> SituationGuidePage:
    """A guide under the test portal's home page (pl, translated into uk), a clinic in Kraków and an
    interpreter on duty around the clock (also used by tests/browser/test_guide.py)."""
    home = HomePage.objects.get(locale__language_code="pl")
    page = SituationGuidePage(title="Przewodnik po sytuacji", slug="przewodnik", intro="Odpowiedz na kilka pytań.",
                              questions=questions("pl"), rules=rules("pl"))
    home.add_child(instance=page)
    publish(page)
    translate_page(page, "uk", {"title": "Путівник", "intro": "Дайте відповідь на кілька запитань.",
                                "questions": questions("uk"), "rules": rules("uk")})
    health = directory.term("health", "Zdrowie")
    directory.service("Poradnia dla cudzoziemców", terms=(health,), free_of_charge=True)
    interpreters = registers.register(RegisterKind.INTERPRETER)
    registers.person(interpreters, "Olena Kowalska", slots=tuple((day, "00:00", "00:00") for day in range(7)))
    return page


@pytest.fixture
def guide(portal: Any) -> SituationGuidePage:
    return make_guide()


def result_path(language: str, answers: dict[str, Any] | None = None, sub: str = "wynik/") -> str:
    return f"/{language}/przewodnik/{sub}?{urlencode(answers or ANSWERS, doseq=True)}"


def main_html(response: Any) -> str:
    html = response.content.decode()
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    pdf = PdfReader(io.BytesIO(data))
    return pdf, re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pdf.pages))


# --- the form ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["pl", "uk"])
def test_form_asks_every_question_in_the_readers_language(client: Client, guide: Any, language: str) -> None:
    response = client.get(f"/{language}/przewodnik/")
    assert response.status_code == 200
    html = main_html(response)
    assert re.search(rf'<form class="guide-form" action="/{language}/przewodnik/wynik/" method="get">', html)
    assert html.count("<fieldset") == 3 and html.count("<legend") == 3
    for text in QUESTION_TEXTS[language]:
        assert f">{text}</legend>" in html
    choice = r'<input type="{}" name="{}" value="[a-z-]+" id="[^"]+"><label [^>]+>{}<'
    for label in OPTIONS[language]["residence"]:
        assert re.search(choice.format("radio", "residence", label), html)
    for label in OPTIONS[language]["need"]:
        assert re.search(choice.format("checkbox", "need", label), html)
    # where the reader lives: the counties of Małopolska, by TERYT code
    assert re.search(r'<select name="place" id="q-place-select" aria-labelledby="q-place">', html)
    assert f'<option value="{KRAKOW}">' in html
    assert '<button type="submit">' in html
    assert f'<html lang="{language}"' in response.content.decode()
    # nothing chosen yet: every single-choice question offers "no answer", chosen
    assert re.search(r'<input type="radio" name="residence" value="" id="q-residence--none" checked>', html)


def test_form_keeps_the_answers_in_the_query_string(client: Client, guide: Any) -> None:
    html = main_html(client.get(result_path("pl", sub="")))
    assert re.search(r'name="residence" value="visa" id="[^"]+" checked', html)
    assert re.search(r'name="need" value="doctor" id="[^"]+" checked', html)
    assert re.search(r'name="need" value="documents" id="[^"]+" checked', html)
    assert not re.search(r'name="need" value="work" id="[^"]+" checked', html)
    assert f'<option value="{KRAKOW}" selected>' in html
    assert not re.search(r'id="q-residence--none" checked', html)


@pytest.mark.parametrize("query", ["", "?bogus=1", "?residence=unknown&need=", "?place=9999"])
def test_result_without_answers_goes_back_to_the_form(client: Client, guide: Any, query: str) -> None:
    for sub in ("wynik/", "wynik.pdf"):
        response = client.get(f"/pl/przewodnik/{sub}{query}")
        assert response.status_code == 302, sub
        assert response["Location"] == "/pl/przewodnik/"
    assert client.get("/pl/przewodnik/wynik/").status_code == 302
    assert client.get("/pl/przewodnik/something-else/").status_code == 404


# --- the checklist ----------------------------------------------------------------------------------------
def test_checklist_lists_what_the_rules_recommend_in_priority_order(client: Client, guide: Any) -> None:
    response = client.get(result_path("pl"))
    assert response.status_code == 200
    html = main_html(response)
    # do this first: a numbered list, the most urgent first
    do = html.split('<ol class="guide-do">', 1)[1].split("</ol>", 1)[0]
    assert do.index(ACTION_DOCTOR["pl"]) < do.index(ACTION_CARD["pl"])
    # read: the article and the PESEL page, in the reader's language (Polish here: no "lang" marks)
    card = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    read = html.split('id="g-read"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/pl/instytucje/urzad/karta-pobytu/">{card.title}</a>' in read
    assert read.index("/pl/instytucje/urzad/karta-pobytu/") < read.index("/pl/instytucje/fundacja/pesel/")
    assert 'lang="pl"' not in read
    # services near the reader, as directory cards, with a link to more
    services = html.split('id="g-services"', 1)[1].split("</section>", 1)[0]
    assert "Poradnia dla cudzoziemców" in services and 'class="dir-card"' in services
    assert "/pl/uslugi/?" in services and f"county={KRAKOW}" in services
    # language help: who is on duty now, the register and the request form
    language = html.split('id="g-language"', 1)[1].split("</section>", 1)[0]
    assert '<p class="guide-duty">1 ' in language
    assert 'href="/pl/tlumacze/tlumacze/"' in language
    assert 'href="/pl/zamow-tlumacza/?register=interpreter"' in language
    # the tools: PDF and "change my answers" keep the answers; general help is always there
    query = "residence=visa&amp;need=doctor&amp;need=documents&amp;place=1261"
    assert f'href="/pl/przewodnik/wynik.pdf?{query}"' in html
    assert f'href="/pl/przewodnik/?{query}"' in html
    assert 'href="tel:112"' in html and 'href="/pl/uslugi/"' in html
    assert "notice" not in html.split('id="g-do"')[0]


def test_checklist_in_ukrainian_links_translations_and_marks_polish_pages(client: Client, guide: Any) -> None:
    card_uk = ArticlePage.objects.get(locale__language_code="uk", slug="karta-pobytu")
    response = client.get(result_path("uk"))
    assert response.status_code == 200
    html = main_html(response)
    assert ACTION_DOCTOR["uk"] in html and ACTION_CARD["uk"] in html
    read = html.split('id="g-read"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="{card_uk.url}">{card_uk.title}</a>' in read
    # the PESEL page has no Ukrainian translation: the Polish one, marked for screen readers, with a note
    assert re.search(r'<li lang="pl"><a href="/pl/instytucje/fundacja/pesel/" hreflang="pl">Numer PESEL', read)
    assert re.search(r'<p class="small" lang="uk">', read)
    assert 'id="g-services"' in html and 'href="/uk/uslugi/?' in html
    assert 'href="/uk/zamow-tlumacza/?register=interpreter&amp;language=uk"' in html


def test_unknown_answers_are_ignored(client: Client, guide: Any) -> None:
    clean = main_html(client.get(result_path("pl")))
    messy_query = {**ANSWERS, "residence": ["visa", "<script>"], "need": ["documents", "doctor", "flying"],
                   "name": "Olena", "place": [KRAKOW, "0000"]}
    messy = client.get(result_path("pl", messy_query))
    assert messy.status_code == 200
    assert main_html(messy) == clean
    assert "Olena" not in messy.content.decode() and "script&gt;" not in messy.content.decode()


def test_an_empty_checklist_still_gives_general_help_and_says_so(client: Client, guide: Any) -> None:
    response = client.get(result_path("pl", {"residence": "pesel-ukr"}))
    assert response.status_code == 200
    html = main_html(response)
    assert '<div class="notice" role="note">' in html
    assert "guide-do" not in html and 'id="g-read"' not in html and 'id="g-services"' not in html
    general = html.split('id="g-general"', 1)[1].split("</section>", 1)[0]
    for number in ("112", "800 190 590"):
        assert number in general
    assert 'href="/pl/uslugi/"' in general and 'href="/pl/tlumacze/"' in general


# --- privacy ----------------------------------------------------------------------------------------------
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


@pytest.mark.parametrize("sub", ["wynik/", "wynik.pdf", ""])
def test_answers_stay_with_the_reader(client: Client, guide: Any, sub: str) -> None:
    client.get("/pl/przewodnik/")  # warm-up (Wagtail's site root paths in the cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(result_path("pl", sub=sub))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
    assert not writes, writes
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies, response.cookies  # no session, no CSRF cookie
    csp = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]*)", csp)
    assert img_src and img_src.group(1).split() == ["'self'", "data:"], csp
    assert "openstreetmap" not in csp
    if sub != "wynik.pdf":
        html = response.content.decode()
        # everything the page loads comes from this site
        for url in page_assets(html) + re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html):
            assert url.startswith("/") and not url.startswith("//"), url
        assert '<meta name="robots" content="noindex">' in html


def test_the_form_without_answers_may_be_cached_but_sends_no_referrer(client: Client, guide: Any) -> None:
    response = client.get("/pl/przewodnik/")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" not in response.get("Cache-Control", "")


def test_gunicorn_does_not_log_query_strings() -> None:
    makefile = (ROOT / "Makefile").read_text()
    formats = re.findall(r"--access-logformat='([^']*)'", makefile)
    assert formats, "the Makefile's gunicorn command sets no --access-logformat"
    for log_format in formats:
        assert "%(U)s" in log_format  # the path, without the query string
        assert "%(r)s" not in log_format and "%(q)s" not in log_format


# --- the PDF ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["pl", "uk"])
def test_pdf_is_a_tagged_pdf_with_the_checklist(client: Client, guide: Any, language: str) -> None:
    response = client.get(result_path(language, sub="wynik.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="przewodnik-{language}.pdf"'
    pdf, text = pdf_text(response.content)
    root: Any = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == language
    assert ACTION_DOCTOR[language] in text and ACTION_CARD[language] in text
    assert "Poradnia dla cudzoziemców" in text
    assert f"/{language}/przewodnik/wynik/?residence=visa" in text.replace(" ", "")
    assert "112" in text
    assert len(pdf.pages) <= 3


# --- light, linked from the home page ---------------------------------------------------------------------
def test_checklist_page_is_light(client: Client, guide: Any) -> None:
    response = client.get(result_path("uk"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response.get("Content-Encoding") == "gzip"
    html = gzip.decompress(response.content).decode()
    total = len(response.content) + sum(gzipped_size(static_file(url).read_bytes()) for url in page_assets(html))
    total += gzipped_size(client.get("/sw.js").content)
    assert total <= MAX_COMPRESSED_BYTES, total


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_home_page_links_to_the_guide(client: Client, guide: Any, language: str) -> None:
    html = client.get(f"/{language}/").content.decode()
    help_near_you = html.split('id="help-near-you"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/{language}/przewodnik/"' in help_near_you
