"""Names of spoken languages (directory, registers, requests) read the same everywhere."""

from __future__ import annotations

from django.utils import translation

from otwarta.core.languages import spoken_language_name


def test_names_are_in_the_readers_language_with_a_capital_letter() -> None:
    with translation.override("uk"):
        assert spoken_language_name("pl") == "Польська"  # Django's Ukrainian catalogue has "польська"
        assert spoken_language_name(" UK ") == "Українська"
    with translation.override("pl"):
        assert spoken_language_name("uk") == "Ukraiński"
        assert spoken_language_name("sgn") == "Polski język migowy"
    with translation.override("en"):
        assert spoken_language_name("zh") == "Chinese"
        assert spoken_language_name("xx") == "xx"  # unknown: the code itself
