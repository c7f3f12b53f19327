"""Plain-language (readability) statistics, computed locally.

Everything here is a pure function of the text, the language and the configuration: no external service,
no database. Entry points:

- :func:`analyse` — statistics, a readability index suited to the language and a verdict;
- :func:`text_from_page` — the plain text an editor wrote on a page (title, summary, every block of the body);
- :func:`text_from_form_data` — the same text read from a submitted page edit form (the editor's unsaved state);
- :func:`get_config` — thresholds from ``settings.OTWARTA_READABILITY``.

Indices (see ``docs/readability.md``):

- Polish: FOG-PL, Gunning's fog index with "hard words" of four or more syllables (Pisarek; Jasnopis,
  Pracownia Prostej Polszczyzny): ``0.4 · (ASL + 100 · hard words / words)``; lower is easier.
- English: Flesch Reading Ease ``206.835 − 1.015 · ASL − 84.6 · ASW`` (higher is easier) and the
  Flesch–Kincaid grade ``0.39 · ASL + 11.8 · ASW − 15.59``.
- Russian: Flesch Reading Ease adapted by Oborneva (2006): ``206.835 − 1.3 · ASL − 60.1 · ASW``.
- Ukrainian: no separately calibrated formula is published; the Oborneva adaptation is used as an
  approximation (Ukrainian, like Russian, is written with one vowel letter per syllable and has similar
  word and sentence lengths).

ASL is the average sentence length in words, ASW the average number of syllables per word. Other languages
(Belarusian, Georgian, …) get sentence and word statistics without an index.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from wagtail.blocks import Block

# --- configuration ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """Verdict boundaries of one index: ``easy`` is the boundary of "easy", ``fair`` that of "fair"."""

    easy: float
    fair: float


class IndexKind(enum.StrEnum):
    FOG_PL = "fog_pl"
    FLESCH = "flesch"
    OBORNEVA = "oborneva"

    @property
    def higher_is_easier(self) -> bool:
        return self is not IndexKind.FOG_PL


DEFAULT_BANDS: dict[IndexKind, Band] = {
    IndexKind.FOG_PL: Band(easy=9, fair=12),  # school years; 7–9: "simple language" (gimnazjum)
    IndexKind.FLESCH: Band(easy=60, fair=50),  # 60–70 "plain English"; below 50 "fairly difficult"
    IndexKind.OBORNEVA: Band(easy=60, fair=50),  # same scale as Flesch Reading Ease
}


@dataclass(frozen=True)
class ReadabilityConfig:
    long_sentence_words: int = 20
    long_word_syllables: Mapping[str, int] = field(default_factory=lambda: {"default": 4, "en": 3})
    bands: Mapping[IndexKind, Band] = field(default_factory=lambda: dict(DEFAULT_BANDS))
    reliable_min_words: int = 100
    longest_words: int = 8
    max_characters: int = 100_000
    rate_limit_per_minute: int = 60

    def long_word_syllables_for(self, language: str) -> int:
        return int(self.long_word_syllables.get(language, self.long_word_syllables.get("default", 4)))


def _positive_int(options: Mapping[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"OTWARTA_READABILITY[{key!r}] must be a positive whole number, not {value!r}.")
    return value


def _band(options: Mapping[str, Any], kind: IndexKind) -> Band:
    raw = options.get(kind.name, {})
    default = DEFAULT_BANDS[kind]
    try:
        band = Band(easy=float(raw.get("easy", default.easy)), fair=float(raw.get("fair", default.fair)))
    except (AttributeError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(
            f"OTWARTA_READABILITY[{kind.name!r}] must look like {{'easy': 9, 'fair': 12}}."
        ) from error
    ordered = band.easy >= band.fair if kind.higher_is_easier else band.easy <= band.fair
    if not ordered:
        direction = "at least" if kind.higher_is_easier else "at most"
        raise ImproperlyConfigured(f"OTWARTA_READABILITY[{kind.name!r}]: 'easy' must be {direction} 'fair'.")
    return band


def get_config() -> ReadabilityConfig:
    """The configuration from ``settings.OTWARTA_READABILITY``; missing keys take the documented defaults."""
    options: Mapping[str, Any] = getattr(settings, "OTWARTA_READABILITY", {}) or {}
    defaults = ReadabilityConfig()
    syllables = {**defaults.long_word_syllables, **options.get("LONG_WORD_SYLLABLES", {})}
    for language, minimum in syllables.items():
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 2:
            raise ImproperlyConfigured(
                f"OTWARTA_READABILITY['LONG_WORD_SYLLABLES'][{language!r}] must be a whole number of at least 2."
            )
    return ReadabilityConfig(
        long_sentence_words=_positive_int(options, "LONG_SENTENCE_WORDS", defaults.long_sentence_words),
        long_word_syllables=syllables,
        bands={kind: _band(options, kind) for kind in IndexKind},
        reliable_min_words=_positive_int(options, "RELIABLE_MIN_WORDS", defaults.reliable_min_words),
        longest_words=_positive_int(options, "LONGEST_WORDS", defaults.longest_words),
        max_characters=_positive_int(options, "MAX_CHARACTERS", defaults.max_characters),
        rate_limit_per_minute=_positive_int(options, "RATE_LIMIT_PER_MINUTE", defaults.rate_limit_per_minute),
    )


# --- languages ----------------------------------------------------------------------------------------

INDEX_FOR_LANGUAGE: dict[str, IndexKind] = {
    "pl": IndexKind.FOG_PL,
    "en": IndexKind.FLESCH,
    "ru": IndexKind.OBORNEVA,
    "uk": IndexKind.OBORNEVA,
}

# One vowel letter is one syllable in these orthographies (Polish has the "i before a vowel" exception).
VOWELS: dict[str, str] = {
    "pl": "aąeęioóuy",
    "ru": "аеёиоуыэюя",
    "uk": "аеєиіїоуюя",
    "be": "аеёіоуыэюя",
    "ka": "აეიოუ",
}
_ANY_CYRILLIC_VOWEL = "аеёєиіїоуыэюя"
_ANY_LATIN_VOWEL = "aeiouy"
_LANGUAGE_CODE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def normalise_language(code: str | None) -> str:
    """``"pl-PL"``, ``"en_GB"``, ``"UK"`` → ``"pl"``, ``"en"``, ``"uk"``; empty or malformed → ``""``."""
    if not code or not _LANGUAGE_CODE_RE.match(code):
        return ""
    return re.split(r"[-_]", code.lower(), maxsplit=1)[0]


def is_valid_language_code(code: str) -> bool:
    return bool(_LANGUAGE_CODE_RE.match(code))


# --- text clean-up, words, syllables ---------------------------------------------------------------------

_STRIPPED_CHARACTERS = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES_RE = re.compile(r"[^\S\n]+")
_CYRILLIC_STRESS_RE = re.compile(r"(?<=[\u0400-\u04ff])[\u0300\u0301]")
# A number (340, 1.5, 01.02.2026, 8:00–16:00), an abbreviation with inner full stops (m.in., e.g., т.е.)
# or a word: letters of any script, digits inside (COVID-19, PESEL-u), joined by hyphens and apostrophes
# (e-mail, Bielsko-Biała, здоров'я, voivode's).
TOKEN_RE = re.compile(
    r"\d+(?:[.,:/\-–]\d+)*"
    r"|[^\W\d_]{1,4}(?:\.[^\W\d_]{1,4})+(?![^\W_])\.?"
    r"|[^\W\d_][^\W_]*(?:['’ʼ\-‐‑][^\W_]+)*"
)


def clean_text(text: str) -> str:
    """NFC, no soft hyphens or zero-width characters, no stress marks, one space between words, lines kept."""
    # Stress marks over Cyrillic vowels (dictionaries, textbooks); Polish ó, ś, ć keep their accents.
    text = _CYRILLIC_STRESS_RE.sub("", unicodedata.normalize("NFD", text))
    text = unicodedata.normalize("NFC", text).translate(_STRIPPED_CHARACTERS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))


def tokenize(text: str) -> list[str]:
    """The words of ``text``; numbers count as words (readers read them)."""
    return TOKEN_RE.findall(text)


def is_number(token: str) -> bool:
    return token[:1].isdigit()


def _polish_syllables(word: str) -> int:
    count = 0
    vowels = VOWELS["pl"]
    for index, ch in enumerate(word):
        if ch not in vowels:
            continue
        following = word[index + 1 : index + 2]
        # "i" before a vowel only softens the consonant: nie, się, ziemia, informacja.
        if ch == "i" and following and following in vowels and index > 0:
            continue
        count += 1
    # "au"/"eu" at the start of a word are one syllable: auto, Europa.
    if re.match(r"^(?:au|eu)", word):
        count -= 1
    return count


# Vowel pairs read as two syllables: various, radio, usual, video, science, quiet, being.
_ENGLISH_TWO_VOWELS_RE = re.compile(
    r"(?<![cstgx])i(?:a|ou)|iu|io(?!n|u)|ua|uo|eo$|ie(?=nc|nt|t$)|[aeiou]ings?$|oe(?!s)"
)


# Compounds whose first part ends in a silent "e" or a "y" the rules below would misread.
_ENGLISH_COMPOUND_RE = re.compile(
    r"^(some|any|every|no|what|where|there|here|when|how)(thing|things|one|ones|body|where|times?|how|ways?|ever|fore)$"
)
_ENGLISH_COMPOUND_FIRST_PART = {"any": 2, "every": 2}


def _english_syllables(word: str) -> int:
    w = re.sub(r"[^a-z]", "", unicodedata.normalize("NFD", word))  # Kraków → krakow
    if len(w) <= 3:
        return 1
    compound = _ENGLISH_COMPOUND_RE.match(w)
    if compound:
        first, second = compound.groups()
        return _ENGLISH_COMPOUND_FIRST_PART.get(first, 1) + _english_syllables(second)
    # "ea" pronounced as two vowels: idea, area, create, react.
    extra = len(re.findall(r"ea(?=$|s$|t(?:e|ed|es|ion|ive|or)$|ct)", w))
    # Silent endings: make, makes, used (but table, pages, boxes, wanted keep their syllable).
    silent_es = w.endswith("es") and not re.search(r"(?:[sxzcg]|ch|sh|i)es$", w)
    if re.search(r"[^aeiouy]e$", w) and not re.search(r"[^aeiouy]le$", w):
        w = w[:-1]
    elif silent_es or re.search(r"[^aeiouytd]ed$", w):
        w = w[:-2]
    w = re.sub(r"y(?=[aeiou])", "#", w)  # "y" before a vowel is a consonant: year, employer
    count = len(re.findall(r"[aeiouy]+", w))
    count += extra + len(_ENGLISH_TWO_VOWELS_RE.findall(w))
    return max(1, count)


def _generic_syllables(word: str) -> int:
    count = 0
    previous_latin_vowel = False
    for ch in word:
        base = unicodedata.normalize("NFD", ch)[0]
        if base in _ANY_LATIN_VOWEL:
            count += 0 if previous_latin_vowel else 1
            previous_latin_vowel = True
            continue
        previous_latin_vowel = False
        if ch in _ANY_CYRILLIC_VOWEL or ch in VOWELS["ka"]:
            count += 1
    return max(1, count)


def count_syllables(word: str, language: str) -> int:
    """Syllables of one word. Numbers count as one syllable. Polish, Russian, Ukrainian and Belarusian words
    without a vowel (w, z, в, к, з) have none; English and other languages count at least one."""
    if is_number(word):
        return 1
    lowered = word.lower()
    if language == "pl":
        count = _polish_syllables(lowered)
        return count if count or len(lowered) == 1 else _generic_syllables(lowered)
    if language == "en":
        return _english_syllables(lowered)
    if language in VOWELS:
        count = sum(1 for ch in lowered if ch in VOWELS[language])
    else:
        return _generic_syllables(lowered)
    # A word in another script (a Cyrillic name in a Polish text) is counted by any script's vowels.
    return count if count or len(lowered) == 1 else _generic_syllables(lowered)


# --- sentences ----------------------------------------------------------------------------------------

# Abbreviations after which a sentence never ends (the next word may start with a capital: "ul. Długa").
_NEVER_FINAL_COMMON = {"ul.", "al.", "os.", "pl.", "tel.", "nr.", "pok.", "e.g.", "i.e.", "vs.", "ca.", "cf."}
NEVER_FINAL: dict[str, set[str]] = {
    "pl": {
        "np.", "tzw.", "m.in.", "godz.", "tj.", "tzn.", "ok.", "prof.", "dr.", "hab.", "inż.", "mgr.", "im.",
        "św.", "woj.", "pow.", "gm.", "ust.", "art.", "pkt.", "poz.", "par.", "rozdz.", "zob.", "por.", "wg.",
        "ds.", "dot.", "ww.", "jw.", "wyd.", "red.", "pn.", "pon.", "wt.", "śr.", "czw.", "pt.", "sob.",
        "niedz.", "ang.", "łac.", "ukr.", "ros.", "pol.", "k.", "n.", "ks.", "płk.", "gen.", "sygn.", "dz.",
        "tys.", "mln.", "mld.", "lit.", "sp.", "przyp.", "wyj.",
    },
    "en": {
        "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "no.", "nos.", "approx.", "dept.", "fig.", "jan.", "feb.",
        "apr.", "aug.", "sept.", "oct.", "nov.", "dec.", "mt.", "gen.", "sgt.", "rev.",
    },
    "ru": {
        "ул.", "пр.", "просп.", "пер.", "пл.", "т.е.", "т.к.", "т.н.", "напр.", "см.", "им.", "обл.", "тел.",
        "стр.", "кв.", "корп.", "проф.", "акад.", "св.", "ср.", "гр.", "т.", "тыс.", "млн.", "млрд.", "рис.",
    },
    "uk": {
        "вул.", "м.", "с.", "смт.", "просп.", "пл.", "пров.", "бульв.", "буд.", "кв.", "напр.", "див.", "ім.",
        "обл.", "тел.", "зокр.", "проф.", "акад.", "доц.", "св.", "т.зв.", "т.", "тис.", "млн.", "млрд.",
    },
    "be": {"вул.", "пл.", "пр.", "напр.", "гл.", "тэл.", "ім.", "св.", "г.", "в.", "т.", "тыс."},
}
# "r." / "г." / "р." mean "year" after a year (and may end a sentence) but "city" or "river" before a name.
_YEAR_ABBREVIATIONS = {"r.", "rr.", "г.", "гг.", "р.", "рр."}
_NEVER_FINAL_ALL = set().union(*NEVER_FINAL.values())

_BOUNDARY_RE = re.compile(r"([.!?…]+)([\"'”’»)\]]*)\s+")
_LEADING_PUNCTUATION = "([{\"'„“”«»‚‘’-–—"


def _is_caseless_letter(ch: str) -> bool:
    if "\u10a0" <= ch <= "\u10ff" or "\u1c90" <= ch <= "\u1cbf" or "\u2d00" <= ch <= "\u2d2f":
        return True  # Georgian: Mkhedruli letters are formally lower case but the script has no capitals
    return ch.isalpha() and ch.lower() == ch.upper()


def _starts_sentence(ch: str) -> bool:
    """Whether ``ch`` can begin a new sentence: anything but a lower-case letter of a cased script."""
    return not (ch.isalpha() and ch.islower() and not _is_caseless_letter(ch))


def _never_final(language: str) -> set[str]:
    return _NEVER_FINAL_COMMON | NEVER_FINAL.get(language, _NEVER_FINAL_ALL)


def _is_boundary(line: str, match: re.Match[str], segment_start: int, never_final: set[str]) -> bool:
    punctuation = match.group(1)
    rest = line[match.end() :]
    if not rest:
        return True
    first = rest.lstrip(_LEADING_PUNCTUATION)[:1] or rest[:1]
    if not _starts_sentence(first):
        return False
    if "!" in punctuation or "?" in punctuation or punctuation != ".":
        return True
    # A single full stop: is the word before it an abbreviation?
    before = line[segment_start : match.start()]
    previous_words = before.split()
    if not previous_words:
        return True
    token = previous_words[-1].lstrip(_LEADING_PUNCTUATION).lower() + "."
    if token in never_final:
        return False
    if token in _YEAR_ABBREVIATIONS:
        year_before = len(previous_words) > 1 and re.fullmatch(r"\d{3,4}", previous_words[-2]) is not None
        return year_before and not first.isdigit()
    core = token[:-1]
    if len(core) == 1 and core.isalpha() and previous_words[-1].lstrip(_LEADING_PUNCTUATION)[:1].isupper():
        return False  # an initial: "J. Kowalski"
    # A number opening the line is a list marker ("1. Przygotuj dokumenty").
    return not (core.isdigit() and len(previous_words) == 1)


def split_sentences(text: str, language: str = "") -> list[str]:
    """Sentences of ``text``. Each line (paragraph, heading, list item) ends a sentence; within a line a
    sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by a space and a word that may start a sentence —
    not after abbreviations such as "np.", "ul.", "m.in.", "tzw.", "godz.", "e.g.", "т.е.", "вул.", nor inside
    numbers and dates ("1.5", "01.02.2026")."""
    language = normalise_language(language)
    never_final = _never_final(language)
    sentences: list[str] = []
    for line in clean_text(text).split("\n"):
        if not line:
            continue
        start = 0
        for match in _BOUNDARY_RE.finditer(line):
            if _is_boundary(line, match, start, never_final):
                sentence = line[start : match.end(2)].strip()
                if sentence:
                    sentences.append(sentence)
                start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


# --- the analysis ---------------------------------------------------------------------------------------


class Verdict(enum.StrEnum):
    EASY = "easy"
    FAIR = "fair"
    HARD = "hard"


@dataclass(frozen=True)
class LongSentence:
    text: str
    words: int


@dataclass(frozen=True)
class LongWord:
    word: str
    syllables: int


@dataclass(frozen=True)
class ReadabilityIndex:
    kind: IndexKind
    value: float
    band: Band
    grade: float | None = None  # Flesch–Kincaid grade (English)

    @property
    def higher_is_easier(self) -> bool:
        return self.kind.higher_is_easier


@dataclass(frozen=True)
class ReadabilityResult:
    language: str
    sentences: int
    words: int
    syllables: int
    average_sentence_length: float
    longest_sentence_length: int
    average_syllables_per_word: float
    long_words: int
    long_word_share: float
    long_word_syllables: int
    long_sentence_words: int
    index: ReadabilityIndex | None
    verdict: Verdict | None
    long_sentences: tuple[LongSentence, ...]
    longest_words: tuple[LongWord, ...]
    reliable_min_words: int
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return self.words == 0

    @property
    def long_word_percent(self) -> float:
        return 100 * self.long_word_share

    @property
    def is_short(self) -> bool:
        return 0 < self.words < self.reliable_min_words

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("average_sentence_length", "average_syllables_per_word", "long_word_share"):
            data[key] = round(data[key], 3)
        if self.index is not None:
            data["index"]["value"] = round(self.index.value, 1)
            data["index"]["kind"] = str(self.index.kind)
            data["index"]["higher_is_easier"] = self.index.higher_is_easier
            if self.index.grade is not None:
                data["index"]["grade"] = round(self.index.grade, 1)
        data["verdict"] = str(self.verdict) if self.verdict else None
        return data


def fog_pl(average_sentence_length: float, hard_word_share: float) -> float:
    """FOG-PL: ``0.4 · (ASL + 100 · share of words with four or more syllables)``."""
    return 0.4 * (average_sentence_length + 100 * hard_word_share)


def flesch_reading_ease(average_sentence_length: float, average_syllables_per_word: float) -> float:
    return 206.835 - 1.015 * average_sentence_length - 84.6 * average_syllables_per_word


def flesch_kincaid_grade(average_sentence_length: float, average_syllables_per_word: float) -> float:
    return 0.39 * average_sentence_length + 11.8 * average_syllables_per_word - 15.59


def oborneva(average_sentence_length: float, average_syllables_per_word: float) -> float:
    """Flesch Reading Ease adapted for Russian by Oborneva (2006)."""
    return 206.835 - 1.3 * average_sentence_length - 60.1 * average_syllables_per_word


def verdict_for(index: ReadabilityIndex) -> Verdict:
    value, band = index.value, index.band
    if index.higher_is_easier:
        return Verdict.EASY if value >= band.easy else Verdict.FAIR if value >= band.fair else Verdict.HARD
    return Verdict.EASY if value <= band.easy else Verdict.FAIR if value <= band.fair else Verdict.HARD


FOG_PL_HARD_WORD_SYLLABLES = 4  # part of the FOG-PL definition, independent of LONG_WORD_SYLLABLES


def analyse(text: str, language: str, config: ReadabilityConfig | None = None) -> ReadabilityResult:
    """Readability statistics of ``text`` written in ``language`` (a language code such as ``pl`` or ``uk``)."""
    config = config or get_config()
    language = normalise_language(language)
    truncated = len(text) > config.max_characters
    if truncated:
        text = text[: config.max_characters]
    long_word_minimum = config.long_word_syllables_for(language)

    sentence_lengths: list[int] = []
    long_sentences: list[LongSentence] = []
    words = syllables = long_words = hard_words = 0
    long_word_forms: dict[str, LongWord] = {}
    for sentence in split_sentences(text, language):
        tokens = tokenize(sentence)
        if not tokens:
            continue
        sentence_lengths.append(len(tokens))
        if len(tokens) > config.long_sentence_words:
            long_sentences.append(LongSentence(text=sentence, words=len(tokens)))
        for token in tokens:
            count = count_syllables(token, language)
            words += 1
            syllables += count
            if is_number(token):
                continue
            if count >= long_word_minimum:
                long_words += 1
                long_word_forms.setdefault(token.lower(), LongWord(word=token, syllables=count))
            if count >= FOG_PL_HARD_WORD_SYLLABLES:
                hard_words += 1

    sentences = len(sentence_lengths)
    asl = words / sentences if sentences else 0.0
    asw = syllables / words if words else 0.0
    kind = INDEX_FOR_LANGUAGE.get(language)
    index: ReadabilityIndex | None = None
    if kind is not None and words:
        band = config.bands[kind]
        if kind is IndexKind.FOG_PL:
            index = ReadabilityIndex(kind, fog_pl(asl, hard_words / words), band)
        elif kind is IndexKind.FLESCH:
            index = ReadabilityIndex(kind, flesch_reading_ease(asl, asw), band, flesch_kincaid_grade(asl, asw))
        else:
            index = ReadabilityIndex(kind, oborneva(asl, asw), band)
    longest = sorted(long_word_forms.values(), key=lambda item: (-item.syllables, -len(item.word), item.word))
    return ReadabilityResult(
        language=language,
        sentences=sentences,
        words=words,
        syllables=syllables,
        average_sentence_length=asl,
        longest_sentence_length=max(sentence_lengths, default=0),
        average_syllables_per_word=asw,
        long_words=long_words,
        long_word_share=long_words / words if words else 0.0,
        long_word_syllables=long_word_minimum,
        long_sentence_words=config.long_sentence_words,
        index=index,
        verdict=verdict_for(index) if index is not None else None,
        long_sentences=tuple(long_sentences),
        longest_words=tuple(longest[: config.longest_words]),
        reliable_min_words=config.reliable_min_words,
        truncated=truncated,
    )


# --- plain text of pages and forms ------------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th",
    "table", "section", "article", "header", "footer", "dd", "dt", "figcaption", "hr", "pre",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Text of an HTML fragment; paragraphs, headings, list items and line breaks become separate lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (_SPACES_RE.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# Struct members that are data rather than prose: addresses, language codes.
SKIPPED_CHILD_NAMES = frozenset({"url", "language", "link", "email", "phone", "anchor"})


def _texts_from_block(block: Block, value: Any) -> Iterator[str]:
    from wagtail import blocks
    from wagtail.rich_text import RichText

    if value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from _texts_from_block(child.block, child.value)
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            if name not in SKIPPED_CHILD_NAMES:
                yield from _texts_from_block(child_block, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _texts_from_block(block.child_block, item)
    elif isinstance(block, blocks.RichTextBlock):
        yield html_to_text(value.source if isinstance(value, RichText) else str(value))
    elif isinstance(block, (blocks.URLBlock, blocks.EmailBlock, blocks.RegexBlock, blocks.RawHTMLBlock)):
        return
    elif isinstance(block, (blocks.CharBlock, blocks.TextBlock)) and isinstance(value, str):
        yield value
    # Choosers (institutions, documents, images), numbers, dates: not prose written for this page.


def texts_from_stream(stream_value: Any) -> list[str]:
    """The prose of a StreamField value, block by block."""
    return [text for text in _texts_from_block(stream_value.stream_block, stream_value) if text.strip()]


def _texts_from_value(value: Any) -> Iterable[str]:
    from wagtail.blocks import StreamValue
    from wagtail.rich_text import RichText

    if value is None:
        return []
    if isinstance(value, StreamValue):
        return texts_from_stream(value)
    if isinstance(value, RichText):
        return [html_to_text(value.source)]
    return [str(value)]


DEFAULT_FIELDS = ("title", "summary", "body")


def text_from_page(page: Any, fields: Iterable[str] = DEFAULT_FIELDS) -> str:
    """Plain text of a page (e.g. an ``ArticlePage``): its title, summary and every block of its body, one
    paragraph, heading or list item per line. Fields the page does not have are skipped."""
    parts: list[str] = []
    for name in fields:
        parts.extend(_texts_from_value(getattr(page, name, None)))
    return "\n".join(part.strip() for part in parts if part and part.strip())


def text_from_form_data(data: Mapping[str, Any], files: Mapping[str, Any] | None = None, *,
                        text_fields: Iterable[str] = ("title", "summary"),
                        stream_fields: Mapping[str, Any] | None = None) -> str:
    """Plain text of a submitted page edit form: ``text_fields`` as typed, ``stream_fields`` (name → the
    field's ``StreamBlock``) decoded the way Wagtail decodes them when it saves. Raises ``KeyError`` or
    ``ValueError`` on malformed StreamField data; a StreamField missing from the data is skipped."""
    parts = [str(data.get(name, "")) for name in text_fields]
    for name, stream_block in (stream_fields or {}).items():
        if f"{name}-count" not in data:
            continue
        value = stream_block.value_from_datadict(data, files or {}, name)
        parts.extend(texts_from_stream(value))
    return "\n".join(part.strip() for part in parts if part and part.strip())
