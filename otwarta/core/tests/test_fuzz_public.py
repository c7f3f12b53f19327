"""Hypothesis against every public form and query interface: no server error, no traceback.

Targets and their shares: ``fuzzing.SHARES``. Examples are derandomized (the same requests in CI every
run); ``deadline=None`` because a request's time depends on the machine."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otwarta.core.tests import fuzzing

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

LANGUAGES = ["pl", "en", "uk", "ru", "be", "ka"]
FUZZ = settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Text that tends to break things: control characters, surrogates escaped, right-to-left marks, SQL and
# template syntax, very long and very large numbers.
NASTY = st.sampled_from([
    "", " ", "%", "%%", "'", '"', "\\", "\x00", "\x7f", "\u202e", "\ufeff", "𝕏", "💥", "ść", "{{ x }}", "{% if %}",
    "' OR 1=1 --", "<script>", "../../etc/passwd", "NaN", "-1", "0", "1e309", "9" * 40, "-" + "9" * 30, "a" * 5000,
    "null", "true", "[]", "{}", "2026-02-30", "25:61", ",", ";", "&", "=", "?", "#", "/", "//", "ა", "Ї",
])
TEXT = st.one_of(NASTY, st.text(max_size=60), st.integers(min_value=-10**20, max_value=10**20).map(str))
LANGUAGE = st.sampled_from(LANGUAGES)


def params(keys: list[str], values: st.SearchStrategy[str] = TEXT) -> st.SearchStrategy[dict[str, Any]]:
    """A query dict over ``keys`` (values single or repeated) plus, sometimes, an unknown key."""
    value = st.one_of(values, st.lists(values, min_size=2, max_size=3))
    known = st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))
    return st.tuples(known, st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=1)).map(
        lambda pair: {**pair[1], **pair[0]})


@pytest.fixture(scope="module")
def client() -> Any:
    return fuzzing.fuzz_client()


@pytest.fixture
def content(portal: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """Directory services, registers with people, a form of the forms library, a situation guide and a
    pathway, so that every public interface has real rows behind it."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.RATELIMIT_ENABLE = False  # rate limits answer 429; the form's own validation is the target
    from otwarta.directory import testing as directory
    from otwarta.guide.tests.test_engine import make_guide, rec, rule, when
    from otwarta.pathways.tests.helpers import make_pathway
    from otwarta.registers import testing as registers

    term = directory.term()
    org = directory.organization(owner=directory.institution())
    directory.service(org=org, terms=(term,))
    directory.service("Poradnia prawna", org=org, languages=("uk", "ru", "en"))
    register = registers.register()
    registers.person(register, slots=((0, "08:00", "16:00"),))
    guide = make_guide([rule("Wszyscy", [], [rec("do", 90, "Zapisz numer 112.")]),
                        rule("Lekarz", [when("need", "doctor")], [rec("do", 10, "Zapisz się do lekarza.")])])
    pathway = make_pathway(translate=False)
    return {"guide": guide.url, "pathway": pathway.url, "register": register.slug,
            "article": "/pl/instytucje/urzad/karta-pobytu/"}


def share(target: str) -> None:
    fuzzing.save()
    assert fuzzing.COUNTS[target] >= fuzzing.SHARES[target], (target, fuzzing.COUNTS[target])


def examples(target: str, per_example: int = 1) -> int:
    return -(-fuzzing.SHARES[target] // per_example)


def test_site_search(client: Any, content: dict[str, Any]) -> None:
    target = "site search"

    @settings(FUZZ, max_examples=examples(target))
    @given(language=LANGUAGE, query=params(["q", "page"]))
    def run(language: str, query: dict[str, Any]) -> None:
        fuzzing.fetch(client, target, "GET", f"/{language}/search/", query)

    run()
    share(target)


def test_directory_filters(client: Any, content: dict[str, Any]) -> None:
    target = "directory filters"
    keys = ["q", "category", "county", "municipality", "language", "free", "accessible", "open_now", "page"]

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(language=LANGUAGE, query=params(keys), slug=TEXT)
    def run(language: str, query: dict[str, Any], slug: str) -> None:
        fuzzing.fetch(client, target, "GET", f"/{language}/uslugi/", query)
        path = (f"/{language}/uslugi/mapa.json" if len(slug) % 2 else
                f"/{language}/uslugi/{quote(slug, safe='')}/")
        fuzzing.fetch(client, target, "GET", path, query)

    run()
    share(target)


def test_registers_filters(client: Any, content: dict[str, Any]) -> None:
    target = "registers filters"
    keys = ["language", "specialisation", "mode", "county", "sworn", "page", "q"]

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(language=LANGUAGE, query=params(keys))
    def run(language: str, query: dict[str, Any]) -> None:
        fuzzing.fetch(client, target, "GET", f"/{language}/tlumacze/", query)
        fuzzing.fetch(client, target, "GET", f"/{language}/tlumacze/{content['register']}/", query)

    run()
    share(target)


def test_forms_library(client: Any, content: dict[str, Any]) -> None:
    target = "forms library"

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(language=LANGUAGE, query=params(["q", "institution", "page"]), slug=TEXT)
    def run(language: str, query: dict[str, Any], slug: str) -> None:
        fuzzing.fetch(client, target, "GET", f"/{language}/formularze/", query)
        fuzzing.fetch(client, target, "GET", f"/{language}/formularze/{quote(slug, safe='') or 'x'}/", query)

    run()
    share(target)


ANSWER_KEYS = ["status", "need", "family", "with", "county", "language", "stay", "work", "x", "step", "print"]


def test_situation_guide_answers(client: Any, content: dict[str, Any]) -> None:
    target = "situation guide answers"

    @settings(FUZZ, max_examples=examples(target, 3))
    @given(query=params(ANSWER_KEYS, st.one_of(TEXT, st.sampled_from(["doctor", "yes", "no", "1261"]))))
    def run(query: dict[str, Any]) -> None:
        for suffix in ("", "wynik/", "wynik.pdf"):
            fuzzing.fetch(client, target, "GET", content["guide"] + suffix, query)

    run()
    share(target)


def test_pathway_answers(client: Any, content: dict[str, Any]) -> None:
    target = "pathway answers"

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(query=params(ANSWER_KEYS))
    def run(query: dict[str, Any]) -> None:
        fuzzing.fetch(client, target, "GET", content["pathway"], query)
        fuzzing.fetch(client, target, "GET", content["article"], query)

    run()
    share(target)


def test_print_pack_urls(client: Any, content: dict[str, Any]) -> None:
    target = "print pack URLs"

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(language=LANGUAGE, slug=TEXT, fmt=st.one_of(st.sampled_from(["a4", "a5", "booklet", "large"]), TEXT),
           query=params(["format", "page"]))
    def run(language: str, slug: str, fmt: str, query: dict[str, Any]) -> None:
        fuzzing.fetch(client, target, "GET", f"/{language}/druki/", query)
        fuzzing.fetch(client, target, "GET",
                      f"/{language}/druki/{quote(slug, safe='') or 'x'}/{quote(fmt, safe='') or 'a4'}.pdf")

    run()
    share(target)


def test_interpreter_request_form(client: Any, content: dict[str, Any]) -> None:
    from otwarta.assistance.forms import form_timestamp

    target = "interpreter request form"
    valid = {
        "register": "interpreter", "language": "uk", "description": "Wizyta w urzędzie.", "date": "2030-01-15",
        "time": "10:00", "duration_minutes": "60", "on_site": "0", "requester_type": "person",
        "requester_name": "Olena", "email": "olena@example.org", "message_language": "uk", "consent": "on",
    }
    keys = [*valid, "specialisation", "address", "county", "organisation", "phone", "website", "started"]

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(language=LANGUAGE, changes=params(keys), aged=st.booleans(), token=TEXT)
    def run(language: str, changes: dict[str, Any], aged: bool, token: str) -> None:
        data = {**valid, "started": form_timestamp(time.time() - 120 if aged else None), **changes}
        fuzzing.fetch(client, target, "POST", f"/{language}/zamow-tlumacza/", data)
        follow = f"/{language}/zamow-tlumacza/{quote(token, safe='') or 'x'}/"
        fuzzing.fetch(client, target, "POST" if aged else "GET", follow, changes)

    run()
    share(target)


def test_hsds_query_strings(client: Any, content: dict[str, Any]) -> None:
    target = "hsds query strings"
    keys = ["search", "page", "per_page", "minimal", "full", "modified_after", "taxonomy_term_id", "taxonomy_id",
            "organization_id", "full_service", "postcode", "proximity", "proximity_radius", "lang", "format"]
    endpoints = ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"]

    @settings(FUZZ, max_examples=examples(target, 2))
    @given(endpoint=st.sampled_from(endpoints), query=params(keys), ident=TEXT)
    def run(endpoint: str, query: dict[str, Any], ident: str) -> None:
        fuzzing.fetch(client, target, "GET", f"/api/hsds/{endpoint}/", query)
        fuzzing.fetch(client, target, "GET", f"/api/hsds/{endpoint}/{quote(ident, safe='') or 'x'}", query)

    run()
    share(target)


def test_paths_and_headers(client: Any, content: dict[str, Any]) -> None:
    target = "paths and headers"
    prefixes = ["", "pl/", "en/", "uk/", "xx/", "pl-PL/", "admin/", "api/hsds/", "documents/", "pl/_util/"]
    header_values = st.one_of(NASTY, st.text(max_size=40).filter(lambda v: "\n" not in v and "\r" not in v))

    @settings(FUZZ, max_examples=examples(target))
    @given(prefix=st.sampled_from(prefixes), path=st.lists(TEXT, max_size=3), accept_language=header_values,
           etag=header_values, since=header_values, known=st.sampled_from(["", "search/", "uslugi/", "tlumacze/",
                                                                          "instytucje/urzad/karta-pobytu/"]))
    def run(prefix: str, path: list[str], accept_language: str, etag: str, since: str, known: str) -> None:
        segments = "/".join(quote(part, safe="") for part in path if part)
        url = "/" + prefix + (known if not segments else segments + "/")
        fuzzing.fetch(client, target, "GET", url, None, **{"Accept-Language": accept_language,
                                                           "If-None-Match": etag, "If-Modified-Since": since})

    run()
    share(target)
