"""The interface catalogues (otwarta/locale/<lang>/LC_MESSAGES/django.po): complete, well-formed, compiled
and actually used when pages render. See docs/translations-interface.md."""

from __future__ import annotations

import gettext
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# English msgids are the English text, so the English catalogue may leave msgstr empty.
TRANSLATED_LANGUAGES = [code for code in LANGUAGES if code != "en"]
# Plural rules we expect (number of forms) for the languages the portal ships with.
EXPECTED_NPLURALS = {"pl": 3, "uk": 3, "ru": 3, "be": 3, "ka": 2, "en": 2}

# A printf-style placeholder: %(name)s, %(count)d, %s, ... ("%%" is a literal percent sign, not a placeholder).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])")


def catalogue_path(code: str, domain: str = "django") -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"


def load(code: str) -> polib.POFile:
    path = catalogue_path(code)
    assert path.exists(), f"missing interface catalogue {path}: run scripts/update-translations.sh"
    return polib.pofile(str(path))


def placeholders(text: str) -> Counter[tuple[str | None, str]]:
    return Counter((m["name"], m["type"]) for m in PLACEHOLDER.finditer(text) if m["type"] != "%")


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue has no Plural-Forms header"
    return int(match.group(1))


def plural_function(po: polib.POFile):  # type: ignore[no-untyped-def]
    expression = po.metadata["Plural-Forms"].split("plural=", 1)[1].strip().rstrip(";")
    return gettext.c2py(expression)


def sample_values(*texts: str) -> dict[str, object]:
    """A value for every named placeholder, fit for %s and %d alike."""
    return {name: 3 for text in texts for name, _type in placeholders(text) if name}


def is_python_format(entry: polib.POEntry) -> bool:
    return "python-format" in entry.flags or bool(placeholders(entry.msgid + (entry.msgid_plural or "")))


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_exists_for_every_language(code: str) -> None:
    po = load(code)
    assert len(po) > 0
    assert po.metadata.get("Language") == code
    assert not po.metadata_is_fuzzy
    if code in EXPECTED_NPLURALS:
        assert nplurals(po) == EXPECTED_NPLURALS[code]


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_every_entry_translated_and_not_fuzzy(code: str) -> None:
    po = load(code)
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == [], f"{code}: {len(untranslated)} untranslated or fuzzy entries: {untranslated[:10]}"
    forms = nplurals(po)
    wrong_forms = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != forms]
    assert wrong_forms == [], f"{code}: plural entries without exactly {forms} forms: {wrong_forms}"


def test_english_catalogue_has_no_fuzzy_entries_and_names_the_portal() -> None:
    po = load("en")
    assert [e.msgid for e in po if "fuzzy" in e.flags] == []
    assert po.find("Małopolska otwarta").msgstr == "Małopolska open"


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_match_the_msgid(code: str) -> None:
    po = load(code)
    problems: list[str] = []
    for entry in po:
        if entry.obsolete or not entry.translated():
            continue
        if not entry.msgid_plural:
            wanted = placeholders(entry.msgid)
            got = placeholders(entry.msgstr)
            if got != wanted:
                problems.append(f"{entry.msgid!r}: {dict(got)} != {dict(wanted)}")
            elif is_python_format(entry):
                try:
                    entry.msgstr % sample_values(entry.msgid)
                except (KeyError, TypeError, ValueError) as exc:
                    problems.append(f"{entry.msgid!r}: does not format ({exc})")
            continue
        # Plural entries: a form used for 1 only may leave the number out ("One page ..."); every form
        # used for other numbers too (21, 31 ... in Ukrainian) must keep all of the plural msgid's.
        singular, plural = set(placeholders(entry.msgid)), set(placeholders(entry.msgid_plural))
        allowed = singular | plural
        choose = plural_function(po)
        numbers_by_form: dict[int, set[int]] = {}
        for n in range(0, 1001):
            numbers_by_form.setdefault(choose(n), set()).add(n)
        for index, form in sorted(entry.msgstr_plural.items()):
            used = set(placeholders(form))
            required = plural if numbers_by_form.get(int(index), set()) - {1} else singular
            if not used <= allowed or not required <= used:
                problems.append(f"{entry.msgid!r} form {index}: {sorted(used, key=str)} "
                                f"(allowed {sorted(allowed, key=str)}, required {sorted(required, key=str)})")
                continue
            try:
                form % sample_values(entry.msgid, entry.msgid_plural)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{entry.msgid!r} form {index}: does not format ({exc})")
    assert problems == [], f"{code}:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_compiles_and_the_compiled_file_answers(code: str, tmp_path: Path) -> None:
    po = load(code)
    mo_path = tmp_path / "django.mo"
    po.save_as_mofile(str(mo_path))
    with mo_path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    choose = plural_function(po)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            for n in (1, 2, 5, 21, 22):
                expected = entry.msgstr_plural[choose(n)]
                assert compiled.ngettext(entry.msgid, entry.msgid_plural, n) == expected
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr


def test_compile_translations_command_writes_every_mo_file() -> None:
    call_command("compile_translations", verbosity=0)
    for code in LANGUAGES:
        po_path, mo_path = catalogue_path(code), catalogue_path(code).with_suffix(".mo")
        assert mo_path.exists()
        assert mo_path.stat().st_mtime >= po_path.stat().st_mtime


@pytest.fixture
def fresh_catalogues(settings):  # type: ignore[no-untyped-def]
    """Compile the .po files (the .mo files may be older than the catalogues) and make Django reload
    them: changing LOCALE_PATHS fires setting_changed, whose handler empties Django's translation
    caches (and does it again when the setting is restored after the test)."""
    call_command("compile_translations", verbosity=0)
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
    yield
    translation.deactivate()


def msgstr(code: str, msgid: str) -> str:
    entry = load(code).find(msgid)
    assert entry is not None and entry.msgstr, f"{code}: {msgid!r} is not translated"
    assert entry.msgstr != msgid
    return entry.msgstr


def test_404_page_in_the_readers_language(client, portal, fresh_catalogues) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/uk/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="uk"' in html
    assert msgstr("uk", "Page not found") in html
    assert msgstr("uk", "Go to the home page") in html


def test_georgian_home_page_shows_georgian_interface(client, portal, fresh_catalogues) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/ka/")
    assert response.status_code == 200
    html = response.content.decode()
    assert msgstr("ka", "Skip to content") in html
    assert msgstr("ka", "Małopolska otwarta") in html
    assert ">Skip to content<" not in html


def test_vocabulary_term_renders_translated(db, fresh_catalogues) -> None:  # type: ignore[no-untyped-def]
    from otwarta.portal.models import Audience

    term = Audience.objects.get(slug="pregnant-women")
    assert term.name == "Pregnant women"
    with translation.override("uk"):
        rendered = Template("{{ term }}").render(Context({"term": term}))
    assert rendered == msgstr("uk", "Pregnant women")
    with translation.override("en"):
        assert str(term) == "Pregnant women"


@pytest.mark.parametrize("code", TRANSLATED_LANGUAGES)
def test_editor_validation_message_in_the_editors_language(code: str, fresh_catalogues) -> None:  # type: ignore[no-untyped-def]
    from otwarta.institutions.models import InstitutionKind

    with translation.override(code):
        assert str(InstitutionKind.NGO.label) == msgstr(code, "Non-governmental organisation")
        assert translation.gettext("The date of the last check cannot be in the future.") == msgstr(
            code, "The date of the last check cannot be in the future."
        )
