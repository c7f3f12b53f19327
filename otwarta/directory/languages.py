"""Names of the languages spoken at a service, in the reader's language."""

from __future__ import annotations

from otwarta.core.languages import spoken_language_name as language_name


def sorted_languages(codes: set[str] | list[str]) -> list[tuple[str, str]]:
    """(code, name) pairs in the order of their names, each code once."""
    return sorted(((code, language_name(code)) for code in set(codes)), key=lambda pair: pair[1].casefold())
