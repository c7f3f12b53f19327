"""Odd, hostile and malformed queries never cause a server error.

The full-text engines have their own query languages (FTS5: quotes, ``*``, ``NEAR``, ``AND``/``OR``/``NOT``,
``-``, parentheses, ``column:``; PostgreSQL ``tsquery``: ``&``, ``|``, ``!``, ``:*``). services.query_terms
keeps only words of letters and digits, so none of that reaches them; nothing catches database errors.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client, TestCase, override_settings
from django.utils import translation
from wagtail.models import Page

from otwarta.core.testing import build_test_portal
from otwarta.search import services

HOSTILE_QUERIES = [
    "",
    " ",
    "\t\n\r",
    "a" * 10_000,
    "karta " * 2_000,
    "\x00",
    "kar\x00ta",
    "\x00" * 500,
    "\x01\x02\x03\x1b[31m\x7f\x9f",
    '"',
    '""',
    '"karta',
    'karta"',
    '"karta pobytu"',
    "*",
    "karta*",
    "*karta",
    "NEAR",
    "NEAR(karta pobytu)",
    "NEAR(karta pobytu, 2)",
    "karta NEAR pobytu",
    "AND",
    "OR",
    "NOT",
    "karta AND",
    "OR karta",
    "karta NOT pobytu",
    "AND OR NOT NEAR",
    "-",
    "-karta",
    "karta -pobytu",
    "--",
    "(",
    ")",
    "(karta",
    "karta)",
    "((((((",
    "{title body}: karta",
    "title:karta",
    "body : karta",
    "^karta",
    "karta + pobytu",
    "'",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "\\",
    "\\\\'\"",
    "%",
    "%%",
    "_",
    "karta & pobyt | !wiza",
    "karta:* & !pobyt",
    "<>&",
    "😀",
    "👨‍👩‍👧 karta",
    "🇵🇱🇺🇦",
    "kartaпосвідкаბარათი",
    "Καρτα карта karta ბარათი بطاقة 卡",
    "\u202ekarta\u202c",
    "\ufeffkarta",
    "kar\u200bta",
    "a\u0301" * 500,
    "\U0010ffff",
    "\ud7ff\ue000",
    "１２３ ｋａｒｔａ",
    "112",
    "0" * 300,
    "k",
]

RAW_QUERY_STRINGS = [
    "q=a&q=b",
    "q=karta&q=",
    "q=&q=karta",
    "q[]=karta",
    "q",
    "q=",
    "=",
    "&&&",
    "q=%",
    "q=%2",
    "q=%zz",
    "q=%ff%fe%fd",
    "q=%c3%28",
    "q=%ed%a0%80",
    "q=%00",
    "q=karta%00pobytu",
    "q=%22karta%22%20NEAR%28pobytu%29",
    "q=karta&page=abc",
    "q=karta&page=99999",
    "q=karta&page=-1",
    "q=karta&page=0",
    "q=karta&page=1.5",
    "q=karta&page=1e9",
    "q=karta&page=99999999999999999999999999999999",
    "q=karta&page=%00",
    "q=karta&page=",
    "q=karta&page=1&page=2",
    "page=2",
    "%=%",
    "q=karta;page=2",
    "q=" + "a" * 10_000,
    "q=" + "%41" * 3_000,
]


def assert_safe_response(client: Client, path: str, data: dict[str, Any] | None = None) -> None:
    response = client.get(path, data)
    assert response.status_code in (200, 400), (path, data, response.status_code)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], AXES_ENABLED=False)
class HostileQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        build_test_portal()

    def test_hostile_queries_in_every_language(self) -> None:
        for language in ("pl", "uk", "en", "ka"):
            for query in HOSTILE_QUERIES:
                with self.subTest(language=language, query=query[:40]):
                    assert_safe_response(self.client, f"/{language}/search/", {"q": query})

    def test_malformed_query_strings(self) -> None:
        for raw in RAW_QUERY_STRINGS:
            with self.subTest(raw=raw[:60]):
                assert_safe_response(self.client, f"/pl/search/?{raw}")

    def test_other_methods_are_refused_not_errors(self) -> None:
        self.assertEqual(self.client.post("/pl/search/", {"q": "karta"}).status_code, 405)
        self.assertEqual(self.client.head("/pl/search/?q=karta").status_code, 200)

    def test_operators_are_plain_words(self) -> None:
        response = self.client.get("/pl/search/", {"q": '"karta" AND (pobytu*)'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["outcome"].terms, ["karta", "and", "pobytu"])
        self.assertIn("Karta pobytu czasowego", [hit.page.title for hit in response.context["hits"]])

    def test_the_query_shown_again_is_cleaned_and_short(self) -> None:
        response = self.client.get("/pl/search/", {"q": "  karta\x00\x1b  pobytu " + "x" * 5_000})
        query = response.context["query"]
        self.assertTrue(query.startswith("karta pobytu x"))
        self.assertLessEqual(len(query), services.MAX_QUERY_LENGTH)
        self.assertNotIn("\x00", response.content.decode())


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_terms_are_plain_words(query: str) -> None:
    terms = services.query_terms(services.normalise_query(query))
    assert len(terms) <= services.MAX_TERMS
    for term in terms:
        assert term.isalnum(), term
        assert term == term.casefold()
        assert len(term) <= services.MAX_TERM_LENGTH


@pytest.mark.skipif(connection.vendor != "sqlite", reason="shows FTS5's own query syntax")
def test_unsanitised_input_would_break_fts5(db: Any) -> None:
    """Why the sanitising matters: the backend passes a lone quote on to FTS5, which rejects it."""
    with translation.override("pl"), pytest.raises(DatabaseError):
        list(Page.objects.search('"'))
