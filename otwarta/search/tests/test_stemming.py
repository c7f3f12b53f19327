"""Word forms: the stems a page is indexed with and a query is searched with must meet."""

from __future__ import annotations

import pytest

from otwarta.search.stemming import UkrainianLightStemmer, fold, has_stemmer, index_stems, stem_word, words


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("pl", ["karta", "karty", "kartę", "kartą", "Karta", "KARTY"]),
        ("pl", ["pobyt", "pobytu", "pobytem"]),
        ("pl", ["czasowy", "czasowego", "czasowe"]),
        ("pl", ["zezwolenie", "zezwolenia", "zezwoleniem"]),
        ("uk", ["посвідка", "посвідки", "посвідку", "посвідкою", "посвідками"]),
        ("uk", ["проживання", "проживанням", "проживань"]),
        ("uk", ["тимчасове", "тимчасового", "тимчасову", "тимчасова", "тимчасовий", "тимчасовому"]),
        ("uk", ["реєстрація", "реєстрації", "реєстрацію", "реєстрацією"]),
        ("uk", ["заява", "заяви", "заяву", "заявою"]),
        ("uk", ["школа", "школи", "школу", "школою"]),
        ("uk", ["дозвіл", "дозволу", "дозволи", "дозволів"]),
        ("uk", ["рік", "року", "роки"]),
        ("ru", ["вид", "вида", "видом"]),
        ("ru", ["жительство", "жительства", "жительством"]),
        ("ru", ["разрешение", "разрешения", "разрешением"]),
        ("en", ["card", "cards"]),
        ("en", ["permit", "permits"]),
    ],
)
def test_inflected_forms_share_one_stem(language: str, forms: list[str]) -> None:
    stems = {stem_word(form, language) for form in forms}
    assert len(stems) == 1, stems


def test_different_words_keep_different_stems() -> None:
    assert stem_word("karta", "pl") != stem_word("pobyt", "pl")
    assert stem_word("посвідка", "uk") != stem_word("проживання", "uk")
    assert stem_word("школа", "uk") != stem_word("шкода", "uk")


def test_ukrainian_stemmer_keeps_a_syllable_and_handles_reflexives() -> None:
    stemmer = UkrainianLightStemmer()
    assert stemmer.stem_word("я") == "я"
    assert stemmer.stem_word("віза") == "віз"
    assert stemmer.stem_word("реєструватися") == stemmer.stem_word("реєструвати")
    assert stemmer.stem_word("здоровя") == "здоров"
    assert stemmer.stemWords(["посвідки", "посвідкою"]) == ["посвідк", "посвідк"]


def test_apostrophes_inside_words_do_not_split_them() -> None:
    assert words("здоров'я та м’ясо") == ["здоровя", "та", "мясо"]


def test_fold_removes_diacritics_for_every_backend() -> None:
    assert fold("Kartę ŁÓDŹ") == "karte lodz"
    assert stem_word("karte", "pl") == stem_word("kartę", "pl")


def test_languages_without_a_stemmer_index_nothing_extra() -> None:
    assert not has_stemmer("ka")
    assert not has_stemmer("be")
    assert index_stems("დროებითი ბინადრობის ბარათი", "ka") == ""
    assert stem_word("ბარათი", "ka") == "ბარათი"


def test_index_stems_are_distinct_plain_tokens() -> None:
    stems = index_stems("Karta pobytu. Karty pobytu! Kartę (pobytu), 340 zł.", "pl").split()
    assert stems == ["kart", "pobyt"]  # numbers and words shorter than 3 letters are matched as typed


def test_polish_mobile_e_is_indexed_both_ways() -> None:
    assert stem_word("wniosek", "pl") == stem_word("wnioski", "pl")
    indexed = index_stems("Złóż wniosek o meldunek.", "pl").split()
    for query in ("wniosku", "wnioski", "wnioskiem", "wniosek", "meldunku", "meldunkiem"):
        assert stem_word(query, "pl") in indexed, query
