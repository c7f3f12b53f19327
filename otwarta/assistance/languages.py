"""The languages a request can ask for (Polish is always the other side)."""

from __future__ import annotations

from django.conf import settings
from django.conf.locale import LANG_INFO

from otwarta.core.languages import EXTRA_LANGUAGE_NAMES
from otwarta.core.languages import spoken_language_name as language_name

# Languages most often needed in Małopolska, then whatever the registers' people offer.
COMMON_LANGUAGES = ("uk", "ru", "be", "ka", "en", "es", "fr", "de", "it", "pt", "ar", "fa", "tr", "hi", "vi", "zh",
                    "ko", "ja", "ro", "bg", "cs", "sk", "hu", "lt", "lv", "et", "kk", "ky", "uz", "hy", "az", "tg")
SIGN_LANGUAGE = "sgn"  # Polish Sign Language (PJM)
EXTRA_NAMES = EXTRA_LANGUAGE_NAMES


def offered_languages() -> list[str]:
    """Codes the registers' people work in (besides Polish)."""
    from otwarta.registers.models import LanguagePair

    codes: set[str] = set()
    for source, target in LanguagePair.objects.values_list("source", "target").distinct():
        codes.update(c for c in (source, target) if c and c != settings.LANGUAGE_CODE)
    return sorted(codes)


def language_choices() -> list[tuple[str, str]]:
    codes = list(COMMON_LANGUAGES)
    codes += [c for c in offered_languages() if c not in codes and (c in LANG_INFO or c in EXTRA_NAMES)]
    if SIGN_LANGUAGE not in codes:
        codes.append(SIGN_LANGUAGE)
    return sorted(((code, language_name(code)) for code in codes), key=lambda item: item[1].casefold())
