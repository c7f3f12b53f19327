"""The readability statistics on hand-checked texts (syllables counted by hand, one vowel letter per
syllable in Polish, Russian and Ukrainian)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from otwarta.readability.services import (
    Band,
    IndexKind,
    ReadabilityConfig,
    Verdict,
    analyse,
    count_syllables,
    get_config,
    html_to_text,
    normalise_language,
    split_sentences,
    text_from_page,
    tokenize,
)

POLISH = "Wniosek składasz w urzędzie wojewódzkim. Zezwolenie dostaje się na pobyt w Polsce dłuższy niż trzy miesiące."
ENGLISH = (
    "You apply at the voivode's office. The permit is for stays in Poland longer than three months. "
    "Usually the application takes several months."
)
RUSSIAN = (
    "Заявление подают в воеводское управление. "
    "Разрешение нужно для пребывания в Польше дольше трёх месяцев."
)
UKRAINIAN = (
    "Заяву подають до воєводського управління. "
    "Дозвіл потрібен для перебування в Польщі понад три місяці."
)
CONFIG = ReadabilityConfig()


# --- syllables and words -------------------------------------------------------------------------------

@pytest.mark.parametrize(("word", "language", "syllables"), [
    ("wojewódzkim", "pl", 4),   # wo-je-wódz-kim
    ("zezwolenie", "pl", 4),    # ze-zwo-le-nie: "i" before a vowel only softens
    ("miesiące", "pl", 3),      # mie-sią-ce
    ("informacja", "pl", 4),    # in-for-ma-cja
    ("się", "pl", 1),
    ("w", "pl", 0),             # a preposition without a vowel
    ("Europa", "pl", 3),        # Eu-ro-pa
    ("nauka", "pl", 3),         # na-u-ka
    ("application", "en", 4),
    ("usually", "en", 4),
    ("office", "en", 2),        # silent final e
    ("makes", "en", 1),
    ("pages", "en", 2),
    ("wanted", "en", 2),
    ("used", "en", 1),
    ("table", "en", 2),
    ("everything", "en", 3),
    ("idea", "en", 3),
    ("the", "en", 1),
    ("Kraków", "en", 2),
    ("управление", "ru", 5),
    ("трёх", "ru", 1),
    ("в", "ru", 0),
    ("воєводського", "uk", 5),
    ("управління", "uk", 4),    # у-прав-лін-ня
    ("здоров'я", "uk", 3),
    ("სავოევოდო", "ka", 5),
    ("340", "pl", 1),           # a number counts as one short word
])
def test_syllables(word: str, language: str, syllables: int) -> None:
    assert count_syllables(word, language) == syllables


def test_tokens_include_every_script_numbers_and_joined_words() -> None:
    text = "Bielsko-Biała, e-mail, здоров'я, ღია მალოპოლსკა; 340 zł, 01.02.2026, 1.5 km, m.in. COVID-19"
    assert tokenize(text) == [
        "Bielsko-Biała", "e-mail", "здоров'я", "ღია", "მალოპოლსკა", "340", "zł", "01.02.2026", "1.5", "km",
        "m.in.", "COVID-19",
    ]


def test_polish_accents_survive_clean_up_but_cyrillic_stress_marks_do_not() -> None:
    assert split_sentences("Złóż wniosek. Idź do urzędu.", "pl") == ["Złóż wniosek.", "Idź do urzędu."]
    assert tokenize(split_sentences("Заявле\u0301ние пода\u0301ют.", "ru")[0]) == ["Заявление", "подают"]


# --- sentences -----------------------------------------------------------------------------------------

def test_polish_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Wniosek złóż np. w poniedziałek o godz. 8:00 przy ul. Długiej 5. Opłata wynosi 340 zł. "
        "Zapłać ją m.in. przelewem lub w kasie urzędu (tzw. opłata skarbowa). Termin mija 01.02.2026. "
        "Odległość to 1.5 km. Dyrektor J. Kowalski przyjmuje w pok. 12. Do 31 grudnia 2024 r. Potem nie. "
        "Zakład w Wieliczce k. Krakowa działa."
    )
    assert split_sentences(text, "pl") == [
        "Wniosek złóż np. w poniedziałek o godz. 8:00 przy ul. Długiej 5.",
        "Opłata wynosi 340 zł.",  # "zł" is written without a full stop: here the sentence ends
        "Zapłać ją m.in. przelewem lub w kasie urzędu (tzw. opłata skarbowa).",
        "Termin mija 01.02.2026.",
        "Odległość to 1.5 km.",
        "Dyrektor J. Kowalski przyjmuje w pok. 12.",
        "Do 31 grudnia 2024 r.",
        "Potem nie.",
        "Zakład w Wieliczce k. Krakowa działa.",
    ]


def test_question_exclamation_ellipsis_lines_and_list_numbers() -> None:
    text = "Ile trwa sprawa? Zwykle kilka miesięcy… Czasem dłużej! nie zawsze\nKrok po kroku\n1. Przygotuj dokumenty."
    assert split_sentences(text, "pl") == [
        "Ile trwa sprawa?",
        "Zwykle kilka miesięcy…",
        "Czasem dłużej! nie zawsze",  # a lower-case word does not start a sentence
        "Krok po kroku",              # a heading or list item is a sentence of its own
        "1. Przygotuj dokumenty.",
    ]


def test_english_cyrillic_and_georgian_sentences() -> None:
    assert split_sentences("Bring e.g. your passport. Mr. Smith works at No. 5 Main St. on Mondays. Pay at ul. "
                           "Długa 5. The fee is 340 zł. Pay it at the office.", "en") == [
        "Bring e.g. your passport.",
        "Mr. Smith works at No. 5 Main St. on Mondays.",
        "Pay at ul. Długa 5.",
        "The fee is 340 zł.",
        "Pay it at the office.",
    ]
    assert split_sentences("Документы подают в г. Краков, ул. Długa 5, т.е. в управление. Срок — до 2026 г. "
                           "Потом нужно ждать.", "ru") == [
        "Документы подают в г. Краков, ул. Długa 5, т.е. в управление.",
        "Срок — до 2026 г.",  # "г." after a year is "год" and may end a sentence
        "Потом нужно ждать.",
    ]
    assert split_sentences("Документи подають у м. Краків, вул. Довга 5. Строк — до 2026 р. Потім треба чекати.",
                           "uk") == [
        "Документи подають у м. Краків, вул. Довга 5.",
        "Строк — до 2026 р.",
        "Потім треба чекати.",
    ]
    # Georgian has no capital letters: a full stop and a space end the sentence.
    assert split_sentences("განაცხადი შეგაქვთ სავოევოდო ოფისში. მეორე წინადადება.", "ka") == [
        "განაცხადი შეგაქვთ სავოევოდო ოფისში.",
        "მეორე წინადადება.",
    ]


# --- the indices ---------------------------------------------------------------------------------------

def test_polish_fog_pl() -> None:
    result = analyse(POLISH, "pl", CONFIG)
    # 5 + 11 words; hard (4+ syllables): wojewódzkim, Zezwolenie.
    assert (result.sentences, result.words, result.long_words) == (2, 16, 2)
    assert result.average_sentence_length == 8
    assert result.longest_sentence_length == 11
    assert result.index is not None and result.index.kind is IndexKind.FOG_PL
    assert result.index.value == pytest.approx(0.4 * (8 + 100 * 2 / 16))  # 8.2
    assert result.verdict is Verdict.EASY
    assert result.long_word_share == pytest.approx(2 / 16)
    assert [word.word for word in result.longest_words] == ["wojewódzkim", "Zezwolenie"]
    assert result.long_sentences == ()


def test_english_flesch_and_flesch_kincaid() -> None:
    result = analyse(ENGLISH, "en", CONFIG)
    # Syllables: 1+2+1+1+2+2 | 1+2+1+1+1+1+2+2+1+1+1 | 4+1+4+1+3+1 = 9 + 14 + 14.
    assert (result.sentences, result.words, result.syllables) == (3, 23, 37)
    asl, asw = 23 / 3, 37 / 23
    assert result.index is not None and result.index.kind is IndexKind.FLESCH
    assert result.index.value == pytest.approx(206.835 - 1.015 * asl - 84.6 * asw)  # 62.96
    assert result.index.grade == pytest.approx(0.39 * asl + 11.8 * asw - 15.59)  # 6.38
    assert result.verdict is Verdict.EASY
    # Long words in English: three syllables or more (usually, application, several).
    assert (result.long_word_syllables, result.long_words) == (3, 3)


def test_russian_oborneva() -> None:
    result = analyse(RUSSIAN, "ru", CONFIG)
    # 5+3+0+5+5 | 5+2+1+5+0+2+2+1+3 syllables.
    assert (result.sentences, result.words, result.syllables, result.long_words) == (2, 14, 39, 5)
    assert result.index is not None and result.index.kind is IndexKind.OBORNEVA
    assert result.index.value == pytest.approx(206.835 - 1.3 * 7 - 60.1 * 39 / 14)  # 30.31
    assert result.verdict is Verdict.HARD


def test_ukrainian_uses_the_oborneva_formula() -> None:
    result = analyse(UKRAINIAN, "uk", CONFIG)
    # 3+3+1+5+4 | 2+3+1+5+0+2+2+1+3 syllables; long: воєводського, управління, перебування.
    assert (result.sentences, result.words, result.syllables, result.long_words) == (2, 14, 35, 3)
    assert result.index is not None and result.index.kind is IndexKind.OBORNEVA
    assert result.index.value == pytest.approx(206.835 - 1.3 * 7 - 60.1 * 35 / 14)  # 47.49
    assert result.verdict is Verdict.HARD


@pytest.mark.parametrize("language", ["ka", "be"])
def test_other_languages_get_statistics_without_an_index(language: str) -> None:
    text = {"ka": "განაცხადი შეგაქვთ სავოევოდო ოფისში. მეორე წინადადება.",
            "be": "Заяву падаюць у ваяводскае ўпраўленне. Дазвол патрэбны."}[language]
    result = analyse(text, language, CONFIG)
    assert (result.sentences, result.words) == ((2, 6) if language == "ka" else (2, 7))
    assert result.index is None
    assert result.verdict is None


def test_long_sentences_are_listed_with_their_length() -> None:
    long_sentence = ("Wniosek o udzielenie zezwolenia na pobyt czasowy składa się osobiście w urzędzie wojewódzkim "
                     "właściwym ze względu na miejsce pobytu cudzoziemca najpóźniej w ostatnim dniu legalnego pobytu "
                     "na terytorium Rzeczypospolitej Polskiej.")
    result = analyse(f"Krótkie zdanie. {long_sentence} Drugie krótkie zdanie.", "pl", CONFIG)
    assert result.sentences == 3
    assert [(sentence.text, sentence.words) for sentence in result.long_sentences] == [(long_sentence, 30)]
    assert result.longest_sentence_length == 30


def test_empty_text() -> None:
    result = analyse("  \n ", "pl", CONFIG)
    assert result.is_empty
    assert (result.sentences, result.words, result.index, result.verdict) == (0, 0, None, None)


def test_as_dict_is_json_serialisable() -> None:
    data = analyse(POLISH, "pl", CONFIG).as_dict()
    decoded = json.loads(json.dumps(data))
    assert decoded["index"]["kind"] == "fog_pl"
    assert decoded["index"]["value"] == 8.2
    assert decoded["verdict"] == "easy"
    assert decoded["words"] == 16


def test_language_codes_are_normalised() -> None:
    assert normalise_language("pl-PL") == "pl"
    assert normalise_language("en_GB") == "en"
    assert normalise_language("UK") == "uk"
    assert normalise_language("<script>") == ""
    assert analyse(POLISH, "pl-PL", CONFIG).index is not None


# --- thresholds from settings --------------------------------------------------------------------------

def test_defaults_match_the_documentation(settings) -> None:  # type: ignore[no-untyped-def]
    del settings.OTWARTA_READABILITY
    config = get_config()
    assert config.long_sentence_words == 20
    assert config.long_word_syllables_for("pl") == 4
    assert config.long_word_syllables_for("en") == 3
    assert config.long_word_syllables_for("ka") == 4
    assert config.bands[IndexKind.FOG_PL] == Band(easy=9, fair=12)


def test_long_sentence_threshold_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTWARTA_READABILITY = {"LONG_SENTENCE_WORDS": 10}
    result = analyse(POLISH, "pl")
    assert result.long_sentence_words == 10
    assert [sentence.words for sentence in result.long_sentences] == [11]


def test_verdict_bands_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTWARTA_READABILITY = {"FOG_PL": {"easy": 6, "fair": 8}}
    assert analyse(POLISH, "pl").verdict is Verdict.HARD  # FOG-PL 8.2
    settings.OTWARTA_READABILITY = {"FOG_PL": {"easy": 7, "fair": 9}}
    assert analyse(POLISH, "pl").verdict is Verdict.FAIR
    settings.OTWARTA_READABILITY = {"OBORNEVA": {"easy": 30, "fair": 20}}
    assert analyse(RUSSIAN, "ru").verdict is Verdict.EASY  # 30.31


def test_long_word_syllables_from_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTWARTA_READABILITY = {"LONG_WORD_SYLLABLES": {"pl": 3}}
    result = analyse(POLISH, "pl")
    # 3+ syllables: urzędzie, wojewódzkim, Zezwolenie, dostaje, miesiące.
    assert (result.long_word_syllables, result.long_words) == (3, 5)
    # FOG-PL keeps its own definition of hard words (4+ syllables).
    assert result.index is not None and result.index.value == pytest.approx(8.2)


@pytest.mark.parametrize("options", [
    {"LONG_SENTENCE_WORDS": 0},
    {"LONG_SENTENCE_WORDS": "20"},
    {"FOG_PL": {"easy": 12, "fair": 9}},      # lower is easier: easy must not exceed fair
    {"FLESCH": {"easy": 40, "fair": 60}},     # higher is easier
    {"FLESCH": "easy"},
    {"LONG_WORD_SYLLABLES": {"pl": 1}},
])
def test_invalid_settings_are_reported(settings, options) -> None:  # type: ignore[no-untyped-def]
    settings.OTWARTA_READABILITY = options
    with pytest.raises(ImproperlyConfigured):
        get_config()


# --- plain text of pages ---------------------------------------------------------------------------------

def test_html_to_text_puts_blocks_on_lines() -> None:
    html = ('<h2>Krok&nbsp;po kroku</h2><p>Weź <b>paszport</b> i <a linktype="page" id="3">zdjęcie</a>.<br/>'
            'Przyjdź rano.</p><ul><li>Paszport</li><li>Zdjęcie</li></ul><script>alert(1)</script>')
    assert html_to_text(html) == "Krok po kroku\nWeź paszport i zdjęcie.\nPrzyjdź rano.\nPaszport\nZdjęcie"


@pytest.mark.django_db
def test_text_from_page_reads_every_block_but_not_addresses_or_codes(portal) -> None:  # type: ignore[no-untyped-def]
    from otwarta.institutions.models import Institution
    from otwarta.portal.models import ArticlePage

    institution = Institution.objects.get(slug="urzad")
    page = ArticlePage(title="Karta pobytu", summary="Jak złożyć wniosek.", body=json.dumps([
        {"type": "text", "value": "<p>Pierwszy akapit.</p><p>Drugi akapit.</p>"},
        {"type": "steps", "value": {"heading": "Krok po kroku", "steps": [
            {"title": "Przygotuj dokumenty", "text": "<p>Paszport i zdjęcie.</p>"}]}},
        {"type": "documents", "value": {"heading": "Dokumenty", "items": ["Paszport", "Zdjęcie"], "note": "Uwaga."}},
        {"type": "contact", "value": {"institution": institution.pk, "note": "Pytania o wniosek"}},
        {"type": "link", "value": {"title": "Strona urzędu", "url": "https://urzad.example.org/cudzoziemcy",
                                   "description": "Formularze", "language": "pl"}},
        {"type": "warning", "value": {"title": "Termin", "text": "<p>Nie zwlekaj.</p>"}},
        {"type": "questions", "value": {"heading": "Pytania", "questions": [
            {"question": "Ile trwa sprawa?", "answer": "<p>Kilka miesięcy.</p>"}]}},
    ]))
    assert text_from_page(page).split("\n") == [
        "Karta pobytu", "Jak złożyć wniosek.", "Pierwszy akapit.", "Drugi akapit.", "Krok po kroku",
        "Przygotuj dokumenty", "Paszport i zdjęcie.", "Dokumenty", "Paszport", "Zdjęcie", "Uwaga.",
        "Pytania o wniosek", "Strona urzędu", "Formularze", "Termin", "Nie zwlekaj.", "Pytania",
        "Ile trwa sprawa?", "Kilka miesięcy.",
    ]
    assert institution.name not in text_from_page(page)
