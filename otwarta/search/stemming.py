"""Word forms for search: tokenising, stemming per language and folding diacritics.

Polish, Ukrainian and Russian are heavily inflected ("karta", "karty", "kartę", "kartą"; "посвідка",
"посвідки", "посвідкою"), so matching the words exactly as typed misses most pages. Neither SQLite FTS5
nor PostgreSQL ships a Polish or Ukrainian stemmer, so the stemming is done here, in Python, the same
way when a page is indexed and when a query is read:

* Polish, Russian, English (and the other languages Snowball knows): the Snowball stemmers from
  ``snowballstemmer``;
* Ukrainian: :class:`UkrainianLightStemmer`, a small suffix-stripping stemmer written for this project
  (Snowball has no Ukrainian algorithm);
* any other language (Belarusian, Georgian, …): no stemming; the plain full-text match still works.

Every stem is folded (lower case, diacritics removed, ``ł`` → ``l``) so that it is one plain token for
any full-text engine and a query typed without Polish letters ("karte") still meets the stems.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import snowballstemmer

# Letters only (no digits, no underscore): the words worth stemming. Apostrophes inside a word
# ("здоров'я", "м’ясо") are removed first so the word stays one token.
_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ‘`´](?=\w)")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
# Anything a full-text engine reads as one token: letters and digits, no punctuation or operators.
_WORD = re.compile(r"[^\W_]+")

MIN_STEM_WORD_LENGTH = 3

# Snowball algorithm per language code (the codes of settings.LANGUAGES).
SNOWBALL_LANGUAGES = {
    "pl": "polish",
    "ru": "russian",
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "lt": "lithuanian",
    "cs": "czech",
    "ro": "romanian",
    "tr": "turkish",
    "hy": "armenian",
    "ar": "arabic",
}


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Very frequent words dropped from the stemmed query (they would match almost every page). The plain,
# exact query keeps them. Short lists on purpose: function words only.
STOP_WORDS: dict[str, frozenset[str]] = {
    "pl": _word_set(
        "a aby ale bo by być czy dla do i ich jak jaki jest jeśli już ku lub ma mam mi mnie na nad nie o od "
        "oraz po pod przez przy się są ta tak te to tu w we z za ze że"
    ),
    "uk": _word_set(
        "а але без би в від для до є з за і й із їх на не ні по при та те то у це чи що як який яка які"
    ),
    "ru": _word_set(
        "а без бы в во для до если же за и из или к как какой ли на не ни о об от по при с со то у что это"
    ),
    "be": _word_set("а але без в для да і з за на не па пры у ў што як"),
    "en": _word_set(
        "a an and are as at be by can do for from how i in is it my of on or the to what when where who "
        "with"
    ),
}


def fold(text: str) -> str:
    """Lower case without diacritics (``kartę`` → ``karte``, ``łódź`` → ``lodz``, ``й`` → ``и``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ł", "l"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The words of ``text`` as a full-text engine tokenises them: letters and digits only."""
    return _WORD.findall(_APOSTROPHES.sub("", unicodedata.normalize("NFKC", text)))


class UkrainianLightStemmer:
    """A light (inflectional) stemmer for Ukrainian.

    It removes one inflectional ending of nouns, adjectives and the common verb forms, after a
    reflexive ``-ся``/``-сь``, and only inside the part of the word after its first vowel (the "RV"
    region of the Snowball stemmers), so at least one syllable stays; then a final ``ь`` is dropped
    and a doubled ``нн`` becomes ``н`` (``проживання``/``проживань`` → ``проживан``). It does not
    undo consonant alternations (``посвідка`` → ``посвідк`` but locative ``посвідці`` → ``посвідц``)
    nor derivation. It is a deliberately small, dependency-free alternative to a dictionary
    lemmatiser such as pymorphy3 with its Ukrainian dictionaries (~20 MB), which would be more
    accurate but heavier.
    """

    VOWELS = frozenset("аеєиіїоуюя")
    REFLEXIVE = ("ся", "сь")
    # Gerunds and infinitives first (longest match wins anyway), then adjectives, nouns, verbs.
    ENDINGS = tuple(
        sorted(
            {
                # gerunds (дієприслівники)
                "вши", "вшись", "ючи", "учи", "ачи", "ячи",
                # infinitive (the past-tense -ла/-ло/-ли are left alone: they would cut nouns such as
                # "школа" and "дозволи")
                "ати", "яти", "ити", "іти", "ти", "ть",
                # present tense
                "ю", "у", "еш", "єш", "иш", "ить", "е", "є", "емо", "ємо", "имо", "ете", "єте", "ите",
                "уть", "ють", "ать", "ять",
                # adjectives and participles
                "ий", "ій", "ого", "ього", "ому", "ьому", "им", "ім", "их", "іх", "ими", "іми",
                "ая", "яя", "ою", "ею", "єю", "ую", "юю", "ої", "ьої", "еє",
                # nouns
                "а", "я", "о", "и", "і", "ї", "ів", "їв", "ей", "ям", "ам", "ах", "ях", "ами", "ями",
                "ові", "еві", "єві", "ом", "ем", "єм", "ію", "ія", "ії", "ією",
            },
            key=len,
            reverse=True,
        )
    )
    MIN_STEM = 2

    def stem_word(self, word: str) -> str:
        word = word.casefold().replace("ё", "е")
        rv = next((i + 1 for i, ch in enumerate(word) if ch in self.VOWELS), None)
        if rv is None:
            return word
        for ending in self.REFLEXIVE:
            if word.endswith(ending) and len(word) - len(ending) >= max(rv, self.MIN_STEM + 1):
                word = word[: -len(ending)]
                break
        for ending in self.ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= max(rv, self.MIN_STEM):
                word = word[: -len(ending)]
                break
        if word.endswith("ь") and len(word) > self.MIN_STEM + 1:
            word = word[:-1]
        if word.endswith("нн"):
            word = word[:-1]
        return word

    def stemWords(self, items: Iterable[str]) -> list[str]:  # noqa: N802 - the snowballstemmer interface
        return [self.stem_word(item) for item in items]


def _polish_canonical(stem: str) -> str:
    """The Snowball Polish stemmer keeps the "mobile e" of the nominative: ``wniosek`` stays ``wniosek``
    while ``wniosku``/``wnioski`` give ``wniosk`` (so do ``meldunek``, ``zasiłek``, ``podatek``): both
    become ``wniosk``."""
    if len(stem) >= 5 and stem.endswith("ek"):
        return stem[:-2] + "k"
    return stem


_UK_CLOSED_I = re.compile(r"(?<=.)і(?=[бвгґджзклмнпрстфхцчшщ]+$)")


def _ukrainian_canonical(stem: str) -> str:
    """Ukrainian has ``і`` in a closed last syllable where other forms have ``о``: ``дозвіл``/``дозволу``,
    ``рік``/``року``, ``Львів``/``Львова``. The last syllable's ``і`` becomes ``о`` in every stem (a
    search key, not a word), so both forms meet."""
    return _UK_CLOSED_I.sub("о", stem)


# Applied to every folded stem, on the index and on the query side alike: alternations the stemmer
# does not undo.
_CANONICAL: dict[str, Callable[[str], str]] = {"pl": _polish_canonical, "uk": _ukrainian_canonical}


def _canonical(stem: str, language_code: str) -> str:
    rule = _CANONICAL.get(language_code.split("-")[0].lower())
    return rule(stem) if rule else stem


@lru_cache(maxsize=32)
def _stemmer(language_code: str) -> Callable[[list[str]], list[str]] | None:
    base = language_code.split("-")[0].lower()
    if base == "uk":
        return UkrainianLightStemmer().stemWords
    algorithm = SNOWBALL_LANGUAGES.get(base)
    if algorithm is None:
        return None
    return snowballstemmer.stemmer(algorithm).stemWords


def has_stemmer(language_code: str) -> bool:
    return _stemmer(language_code) is not None


def stop_words(language_code: str) -> frozenset[str]:
    return STOP_WORDS.get(language_code.split("-")[0].lower(), frozenset())


def stem_word(word: str, language_code: str) -> str:
    """The folded stem of one word (the folded word itself when the language has no stemmer)."""
    stem = _stemmer(language_code)
    lowered = word.casefold()
    if stem is None or len(lowered) < MIN_STEM_WORD_LENGTH or not _LETTER_WORD.fullmatch(lowered):
        return fold(lowered)
    return _canonical(fold(stem([lowered])[0]) or fold(lowered), language_code)


def index_stems(text: str, language_code: str) -> str:
    """The distinct stems of the words of ``text``, space-separated: the extra text indexed per page.

    Empty for a language without a stemmer (its pages are found by their plain words only)."""
    stem = _stemmer(language_code)
    if stem is None:
        return ""
    seen: dict[str, None] = {}
    candidates = [w.casefold() for w in words(text) if len(w) >= MIN_STEM_WORD_LENGTH and _LETTER_WORD.fullmatch(w)]
    for word, stemmed in zip(candidates, stem(candidates), strict=True):
        seen.setdefault(_canonical(fold(stemmed) or fold(word), language_code), None)
    return " ".join(seen)
