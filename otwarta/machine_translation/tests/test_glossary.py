from __future__ import annotations

import pytest
from django.utils import translation

from otwarta.machine_translation.backends import available_backend
from otwarta.machine_translation.glossary import Glossary, Term, glossary_warnings, restore
from otwarta.machine_translation.models import GlossaryTerm

from .servers import APIServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms() -> None:
    """The pair's glossary exactly as the tests need it (replacing the seeded starting glossary)."""
    GlossaryTerm.objects.all().delete()
    GlossaryTerm.objects.create(source_lang="pl", target_lang="", term="PESEL")
    GlossaryTerm.objects.create(source_lang="pl", target_lang="", term="NFZ", case_sensitive=True)
    GlossaryTerm.objects.create(source_lang="pl", target_lang="", term="Małopolski Urząd Wojewódzki",
                                other_forms="Małopolskiego Urzędu Wojewódzkiego\nMałopolskim Urzędzie Wojewódzkim")
    GlossaryTerm.objects.create(source_lang="pl", target_lang="en", term="karta pobytu",
                                other_forms="karty pobytu\nkartę pobytu\nkartą pobytu", translation="residence card")
    GlossaryTerm.objects.create(source_lang="pl", target_lang="uk", term="karta pobytu",
                                other_forms="karty pobytu\nkartę pobytu", translation="посвідка на проживання")


def test_seeded_glossary(libretranslate: APIServer) -> None:
    assert GlossaryTerm.objects.filter(target_lang="", translation="", term__in=["PESEL", "NFZ", "ZUS"]).count() == 3
    backend = available_backend("pl", "en")
    assert backend is not None
    [out] = backend.translate(["Numer PESEL i kartę pobytu wydaje urząd"], "pl", "en", fmt="text")
    assert out == "NUMER PESEL I residence card WYDAJE URZĄD"


SOURCE = ("<p>Wniosek o kartę pobytu składasz w Małopolskim Urzędzie Wojewódzkim. "
          "Podaj numer PESEL i <a href=\"/pl/nfz/\">dane NFZ</a>.</p>")


@pytest.mark.usefixtures("terms")
def test_glossary_round_trip_through_libretranslate(libretranslate: APIServer) -> None:
    backend = available_backend("pl", "en")
    assert backend is not None
    [out] = backend.translate([SOURCE], "pl", "en")
    # Everything else was "translated" (upper-cased) by the service; glossary terms came back as set.
    assert out == ("<p>WNIOSEK O residence card SKŁADASZ W Małopolskim Urzędzie Wojewódzkim. "
                   "PODAJ NUMER PESEL I <a href=\"/pl/nfz/\">DANE NFZ</a>.</p>")
    sent = libretranslate.requests[-1]["body"]["q"][0]
    assert '<span translate="no" class="notranslate" data-mt-term="0">residence card</span>' in sent
    assert 'href="/pl/nfz/"' in sent  # attributes and URLs are never touched
    assert "data-mt-term" not in out


@pytest.mark.usefixtures("terms")
def test_glossary_round_trip_through_deepl_per_target(deepl: APIServer) -> None:
    backend = available_backend("pl", "uk")
    assert backend is not None
    [out] = backend.translate(["Karta pobytu i pesel"], "pl", "uk", fmt="text")
    assert out == "посвідка на проживання I pesel"
    assert deepl.requests[-1]["body"]["tag_handling"] == "html"  # protected plain text travels as HTML
    [out] = backend.translate(["a < b & karta pobytu\ndruga linia"], "pl", "uk", fmt="text")
    assert out == "A < B & посвідка на проживання\nDRUGA LINIA"
    # Without a glossary term, plain text travels as plain text, untouched.
    [out] = backend.translate(["a < b &amp; c"], "pl", "uk", fmt="text")
    assert out == "A < B &AMP; C"
    assert "tag_handling" not in deepl.requests[-1]["body"]


@pytest.mark.usefixtures("terms")
def test_case_sensitive_and_whole_words(libretranslate: APIServer) -> None:
    backend = available_backend("pl", "en")
    assert backend is not None
    [out] = backend.translate(["nfz, NFZ, NFZ-u, PESELU, kartapobytu"], "pl", "en", fmt="text")
    assert out == "NFZ, NFZ, NFZ-U, PESELU, KARTAPOBYTU"
    [out] = backend.translate(["nfz NFZ x"], "pl", "en", fmt="text")
    assert out == "NFZ NFZ X"


def test_longest_form_wins_and_restore_ignores_backend_changes() -> None:
    glossary = Glossary([Term(("karta pobytu",), "residence card"),
                         Term(("karta pobytu czasowego",), "temporary residence card")])
    [sent], replacements = glossary.protect(["Karta pobytu czasowego"])
    assert replacements == ["temporary residence card"]
    changed = sent.replace(">temporary residence card<", ">TEMPORARY<").replace('translate="no" ', "")
    assert restore([changed], replacements) == ["temporary residence card"]


@pytest.mark.usefixtures("terms")
def test_glossary_warnings() -> None:
    good = "<p>You apply for a residence card at the Małopolski Urząd Wojewódzki. Give your PESEL and NFZ.</p>"
    assert glossary_warnings(SOURCE, good, "pl", "en") == []
    bad = "<p>You apply for a residence permit at the Voivode's office. Give your national ID number and NFZ.</p>"
    with translation.override("en"):
        warnings = glossary_warnings(SOURCE, bad, "pl", "en")
    assert {w.term for w in warnings} == {"karta pobytu", "Małopolski Urząd Wojewódzki", "PESEL"}
    by_term = {w.term: str(w.message) for w in warnings}
    assert by_term["karta pobytu"] == "“karta pobytu” should be translated as “residence card”."
    assert "missing" in by_term["PESEL"]
    uk = glossary_warnings("karta pobytu", "посвідка на проживання", "pl", "uk")
    assert uk == []
    assert len(glossary_warnings("karta pobytu", "картка", "pl", "uk")) == 1


def test_fixed_translation_needs_a_target_language() -> None:
    from django.core.exceptions import ValidationError

    term = GlossaryTerm(source_lang="pl", target_lang="", term="karta pobytu", translation="residence card")
    with pytest.raises(ValidationError) as excinfo:
        term.full_clean()
    assert "target_lang" in excinfo.value.message_dict
    GlossaryTerm(source_lang="pl", target_lang="", term="KRUS").full_clean()
