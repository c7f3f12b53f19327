"""The stored search document behind the directory's text search (search_document.py)."""

from __future__ import annotations

import pytest

from otwarta.directory import testing as f
from otwarta.directory.models import Service, source_locale_id
from otwarta.directory.search_document import document_for, query_filter

pytestmark = pytest.mark.django_db


def matches(query: str, language: str = "pl") -> set[str]:
    rows = query_filter(query, [(source_locale_id(), language)])
    assert rows is not None
    return set(Service.objects.filter(rows).values_list("slug", flat=True))


def test_document_has_folded_words_and_stems() -> None:
    document = document_for(["Bezpłatna porada prawna"], "pl")
    assert " bezplatna " in document and " porada " in document
    assert " porad " in document  # the stem, as its own word


def test_inflected_and_prefix_queries(portal) -> None:  # type: ignore[no-untyped-def]
    f.service("Poradnia lekarska", description="Lekarz rodzinny.", slug="poradnia")
    f.service("Bezpłatna porada prawna", slug="porada")
    assert matches("porady prawnej") == {"porada"}
    assert matches("porada") == {"porada"}  # a whole stem: not "poradnia"
    assert matches("lekarza") == {"poradnia"}
    assert matches("lek") == {"poradnia"}  # the beginning of a word
    assert matches("PORADNIA LEKARSKA") == {"poradnia"}
    assert matches("porada lekarz") == set()  # every word must match
    assert query_filter("  \x00 ", [(source_locale_id(), "pl")]) is None


def test_document_follows_edits_and_organisation_names(portal) -> None:  # type: ignore[no-untyped-def]
    org = f.organization("Fundacja Alfa")
    f.service("Kursy języka polskiego", org, slug="kursy")
    assert matches("alfa") == {"kursy"}
    org.name = "Fundacja Beta"
    org.save()
    assert matches("alfa") == set() and matches("beta") == {"kursy"}
    service = Service.objects.get(slug="kursy")
    service.name = "Lekcje polskiego"
    service.save(update_fields=["name"])
    assert matches("lekcje") == {"kursy"} and matches("kursy") == set()
