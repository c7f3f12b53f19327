"""Search in the reader's language over the test portal (conftest.py builds it once per session; each test
runs in a transaction that is rolled back). The class adds a Russian translation once (``setUpTestData``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale, Page, PageViewRestriction

from otwarta.core.testing import build_test_portal
from otwarta.portal.models import ArticlePage, HomePage, InstitutionIndexPage, TopicPage
from otwarta.portal.services import publish, translate_page
from otwarta.search import services
from otwarta.search.views import RESULTS_PER_PAGE, highlight

KARTA_PL = "Karta pobytu czasowego"
KARTA_UK = "Посвідка на тимчасове проживання"
KARTA_RU = "Временный вид на жительство"
PESEL_EN = "PESEL number for citizens of Ukraine"


def karta(language: str = "pl") -> ArticlePage:
    source = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    return source if language == "pl" else source.get_translation(Locale.objects.get(language_code=language))


def add_russian_karta() -> ArticlePage:
    """The residence-card article in Russian (the test content has none), built as the loader would."""
    topic_ru = TopicPage.objects.get(slug="pobyt", locale__language_code="ru")
    return translate_page(karta(), "ru", {
        "title": KARTA_RU,
        "summary": "Как подать заявление на разрешение на временное пребывание в Малопольше.",
        "topic": topic_ru,
        "body": [{"type": "text", "value": "<p>Заявление подают в воеводское управление.</p>"}],
    })


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], AXES_ENABLED=False)
class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        build_test_portal()  # already there (conftest.py); the loader is idempotent, so this is cheap insurance
        add_russian_karta()

    def titles(self, language: str, query: str, **params: Any) -> list[str]:
        response = self.client.get(f"/{language}/search/", {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        return [hit.page.title for hit in response.context["hits"]]

    # --- inflected forms ---------------------------------------------------------------------------
    def test_polish_forms_find_the_residence_card(self) -> None:
        for query in ["karta", "Karta", "karty pobytu", "kartę", "kartą", "karte", "kartą pobytu czasowego",
                      "zezwolenia na pobyt", "wnioski", "wniosku", "KARTY"]:
            with self.subTest(query=query):
                self.assertIn(KARTA_PL, self.titles("pl", query))

    def test_exact_title_match_ranks_first(self) -> None:
        self.assertEqual(self.titles("pl", "karta")[0], KARTA_PL)
        self.assertEqual(self.titles("pl", "kartę")[0], KARTA_PL)  # found through stems; the title has the stem

    def test_exact_matches_come_before_inflected_ones(self) -> None:
        with translation.override("pl"):
            outcome = services.search("karty pobytu")
        pages = services.pages_in_order(outcome.page_ids)
        # The topic's intro says "karty pobytu" word for word; the article says "Karta pobytu".
        self.assertEqual([p.title for p in pages], ["Pobyt legalny", KARTA_PL])
        self.assertEqual(outcome.exact_count, 1)

    def test_ukrainian_forms_find_the_residence_card(self) -> None:
        for query in ["посвідки", "посвідку", "Посвідкою", "тимчасового проживання", "дозволу", "посвідка"]:
            with self.subTest(query=query):
                self.assertIn(KARTA_UK, self.titles("uk", query))

    def test_russian_forms_find_the_residence_card(self) -> None:
        for query in ["вида на жительство", "видом на жительство", "разрешения", "временного пребывания",
                      "Жительства", "заявления"]:
            with self.subTest(query=query):
                self.assertIn(KARTA_RU, self.titles("ru", query))

    def test_english_plurals(self) -> None:
        self.assertIn("Temporary residence card", self.titles("en", "residence cards"))
        self.assertIn("Temporary residence card", self.titles("en", "PERMITS"))

    def test_unrelated_words_find_nothing(self) -> None:
        self.assertEqual(self.titles("pl", "xyzzy"), [])
        self.assertEqual(self.titles("pl", "karta xyzzy kwiatek"), [KARTA_PL, "Pobyt legalny"])  # some words

    def test_several_words_with_no_page_having_all_offers_pages_with_some(self) -> None:
        response = self.client.get("/pl/search/", {"q": "jak dostać kartę bez paszportu xyzzy"})
        self.assertTrue(response.context["outcome"].partial)
        self.assertIn(KARTA_PL, [hit.page.title for hit in response.context["hits"]])
        with translation.override("pl"):
            notice = gettext("No page contains all of these words. These pages contain some of them.")
        self.assertContains(response, notice)

    # --- language and visibility -------------------------------------------------------------------
    def test_results_only_in_the_readers_language(self) -> None:
        response = self.client.get("/en/search/", {"q": "PESEL"})
        hits = response.context["hits"]
        self.assertEqual([hit.page.title for hit in hits], [PESEL_EN])
        self.assertEqual({hit.page.locale.language_code for hit in hits}, {"en"})

    def test_polish_query_in_english_finds_no_polish_page_but_says_where_to_look(self) -> None:
        response = self.client.get("/en/search/", {"q": "karta pobytu"})
        self.assertEqual(response.context["hits"], [])
        self.assertEqual(response.context["paginator"].count, 0)
        offers = response.context["elsewhere"]
        self.assertEqual([(offer.code, offer.count) for offer in offers], [("pl", 1)])
        self.assertEqual(offers[0].url, "/pl/search/?q=karta+pobytu")
        self.assertContains(response, 'href="/pl/search/?q=karta+pobytu"')

    def test_no_translation_no_result(self) -> None:
        self.assertEqual(self.titles("uk", "PESEL"), [])  # the PESEL article is in Polish and English only

    def test_home_and_index_pages_are_not_results(self) -> None:
        self.assertEqual(self.titles("pl", "Małopolska otwarta"), [])
        self.assertEqual(self.titles("pl", "Instytucje"), [])
        kinds = {type(page) for page in services.searchable_pages().specific()}
        self.assertFalse(kinds & {HomePage, InstitutionIndexPage})

    def test_institution_and_topic_pages_are_results(self) -> None:
        self.assertIn("Urząd Testowy w Krakowie", self.titles("pl", "urząd testowy"))
        self.assertIn("Pobyt legalny", self.titles("pl", "wizy"))

    def test_unpublished_and_private_pages_are_not_found(self) -> None:
        karta().unpublish()
        self.assertNotIn(KARTA_PL, self.titles("pl", "karta"))
        pesel = ArticlePage.objects.get(slug="pesel", locale__language_code="pl")
        PageViewRestriction.objects.create(page=pesel, restriction_type=PageViewRestriction.LOGIN)
        self.assertEqual(self.titles("pl", "PESEL"), [])

    def test_a_newly_published_page_is_found_at_once(self) -> None:
        home = HomePage.objects.get(locale__language_code="pl")
        topic = TopicPage(title="Zdrowie", slug="zdrowie", intro="Ubezpieczenie zdrowotne i lekarze rodzinni.",
                          icon="health")
        home.add_child(instance=topic)
        publish(topic)
        self.assertEqual(self.titles("pl", "ubezpieczenia zdrowotnego"), ["Zdrowie"])

    def test_update_index_rebuilds_the_stems(self) -> None:
        call_command("update_index", verbosity=0, stdout=None)
        self.assertIn(KARTA_PL, self.titles("pl", "kartą"))
        self.assertIn(KARTA_UK, self.titles("uk", "посвідки"))

    def test_search_pages_helper_uses_the_active_language(self) -> None:
        with translation.override("uk"):
            found = services.search_pages("посвідки")
        self.assertIn(KARTA_UK, [page.title for page in found])
        self.assertTrue(all(isinstance(page, Page) for page in found))

    # --- the page ----------------------------------------------------------------------------------
    def test_page_shows_count_title_links_and_snippet(self) -> None:
        response = self.client.get("/pl/search/", {"q": "kartę"})
        html = response.content.decode()
        self.assertRegex(html, r"<title>[^<]*kartę[^<]*</title>")
        self.assertRegex(html, r'<p role="status">2 [^<]+</p>')
        self.assertIn('<label for="q">', html)
        self.assertIn('href="/pl/instytucje/urzad/karta-pobytu/"', html)
        self.assertIn("Jak złożyć wniosek", html)  # the summary is the snippet
        self.assertIn("<mark>karty</mark>", html)  # the topic's intro "Wizy i karty pobytu."
        self.assertIn('name="robots" content="noindex"', html)

    def test_query_is_escaped_everywhere(self) -> None:
        html = self.client.get("/pl/search/", {"q": '<script>alert("x")</script> karta'}).content.decode()
        self.assertNotIn("<script>alert", html)
        self.assertIn("&lt;script&gt;", html)

    def test_empty_query_is_a_friendly_page_without_a_search(self) -> None:
        response = self.client.get("/pl/search/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["hits"], [])
        self.assertFalse(response.context["searched"])
        self.assertNotContains(response, 'role="status"')

    def test_query_without_words_says_so(self) -> None:
        response = self.client.get("/pl/search/", {"q": "*** 😀 ---"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["searched"])
        with translation.override("pl"):
            notice = gettext("There is nothing to search for in what you typed. Please type one or more words.")
        self.assertContains(response, notice)

    def test_pagination(self) -> None:
        home = HomePage.objects.get(locale__language_code="pl")
        for n in range(RESULTS_PER_PAGE + 3):
            page = TopicPage(title=f"Temat {n}", slug=f"temat-{n}", intro="Informacje o meldunku.", icon="home")
            home.add_child(instance=page)
            publish(page)
        first = self.client.get("/pl/search/", {"q": "meldunek"})
        self.assertEqual(first.context["paginator"].count, RESULTS_PER_PAGE + 3)
        self.assertEqual(len(first.context["hits"]), RESULTS_PER_PAGE)
        self.assertContains(first, 'href="?q=meldunek&amp;page=2"')
        second = self.client.get("/pl/search/", {"q": "meldunek", "page": 2})
        self.assertEqual(len(second.context["hits"]), 3)
        first_ids = {hit.page.pk for hit in first.context["hits"]}
        self.assertTrue(first_ids.isdisjoint({hit.page.pk for hit in second.context["hits"]}))
        # Out of range: the last page; not a number: the first.
        for value, number in [(99999, 2), ("abc", 1), (-1, 2), (0, 2), ("", 1), ("1.5", 1)]:
            with self.subTest(page=value):
                response = self.client.get("/pl/search/", {"q": "meldunek", "page": value})
                self.assertEqual(response.context["results"].number, number)


def test_highlight_escapes_and_marks_inflected_forms() -> None:
    marked = highlight("Karty <b>pobytu</b> & kartą", ["karta"], "pl")
    assert marked == "<mark>Karty</mark> &lt;b&gt;pobytu&lt;/b&gt; &amp; <mark>kartą</mark>"


def test_a_language_without_a_locale_answers_with_no_results(client: Client, db: Any, settings: Any) -> None:
    """A language just added to the settings, before anyone created its Wagtail locale."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    assert not Locale.objects.filter(language_code="de").exists()
    response = client.get("/de/search/", {"q": "Aufenthaltskarte"})
    assert response.status_code == 200
    assert response.context["hits"] == []


@pytest.mark.parametrize("query", ["", "   ", "\x00"])
def test_blank_queries_touch_no_index(client: Client, db: Any, django_assert_max_num_queries: Any,
                                      query: str) -> None:
    with django_assert_max_num_queries(2):  # the locale lookup and the emergency numbers at most
        response = client.get("/pl/search/", {"q": query})
    assert response.status_code == 200
    assert re.search(r"<title>[^<]*</title>", response.content.decode())
