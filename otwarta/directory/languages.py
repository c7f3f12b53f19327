"""Names of the languages spoken at a service, in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language_info


def language_name(code: str) -> str:
    """The name of ``code`` (an ISO 639 code such as ``uk``) in the active language, or the code itself
    when Django does not know the language."""
    try:
        return str(get_language_info(code.strip().lower())["name_translated"])
    except (KeyError, AttributeError):
        return code


def sorted_languages(codes: set[str] | list[str]) -> list[tuple[str, str]]:
    """(code, name) pairs in the order of their names, each code once."""
    return sorted(((code, language_name(code)) for code in set(codes)), key=lambda pair: pair[1].casefold())
