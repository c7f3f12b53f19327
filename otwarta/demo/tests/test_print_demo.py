"""The demo print packs (``otwarta/demo/content/print.yaml``) and the "For children" texts in the demo
articles: checked on the files (fast), plus the loader's print-pack step on the small test portal."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from otwarta.demo.loader import CONTENT_DIR, read_yaml
from otwarta.directory.demo import services_in
from otwarta.portal.models import TOPIC_ICONS
from otwarta.printing.models import ItemKind, PackType, PrintPack
from otwarta.printing.sections import HEADED_BLOCKS, normalise

LANGUAGES = ("pl", "en", "uk", "ru", "be", "ka")
PRINT = read_yaml(CONTENT_DIR / "print.yaml")
PACKS: list[dict[str, Any]] = PRINT["packs"]
ARTICLES = {article["slug"]: article for path in sorted((CONTENT_DIR / "topics").glob("*.yaml"))
            for article in read_yaml(path)["articles"]}
INSTITUTIONS = {row["slug"]: row for row in read_yaml(CONTENT_DIR / "institutions.yaml")}
DIRECTORY = read_yaml(CONTENT_DIR / "directory.yaml")
SERVICES = {f"{org_key}-{service['type']}"[:100] for org_key, service in services_in(DIRECTORY)}
REGISTERS = {row["kind"] for row in read_yaml(CONTENT_DIR / "registers.yaml")["registers"]}
ITEM_KEYS = {"page", "section", "service", "institution", "register"}
CHILDREN_TAGS = {"p", "ul", "li", "b"}


def kind_of(item: dict[str, Any]) -> str:
    keys = set(item) & ITEM_KEYS
    assert len(keys) == 1, f"an item names exactly one thing: {item}"
    return keys.pop()


def headings(body: list[dict[str, Any]]) -> list[str]:
    """Section headings of a body, as ``otwarta.printing.sections`` finds them: top-level <h2> of text
    blocks and the headings of steps, documents, questions and children blocks."""
    found = []
    for block in body:
        if block["type"] == "text":
            soup = BeautifulSoup(block["value"], "html.parser")
            found += [normalise(node.get_text(" ")) for node in soup.contents
                      if isinstance(node, Tag) and node.name == "h2"]
        elif block["type"] in HEADED_BLOCKS and block["value"].get("heading"):
            found.append(normalise(block["value"]["heading"]))
    return found


def children_positions(article: dict[str, Any], lang: str) -> list[int]:
    return [i for i, block in enumerate(article["translations"][lang]["body"]) if block["type"] == "children"]


WITH_CHILDREN = [slug for slug, article in ARTICLES.items() if children_positions(article, "pl")]


def pages_of(pack: dict[str, Any]) -> list[str]:
    return [item.get("page") or item["section"] for item in pack["items"] if kind_of(item) in ("page", "section")]


def pack(pack_type: str) -> list[dict[str, Any]]:
    return [p for p in PACKS if p["type"] == pack_type]


# --- the packs -----------------------------------------------------------------------------------------
def test_five_packs_of_the_required_types_kept_by_the_regional_office():
    assert Counter(p["type"] for p in PACKS) == {"welcome": 1, "topic": 2, "children": 1, "group": 1}
    assert {p["type"] for p in PACKS} <= set(PackType.values)
    slugs = [p["slug"] for p in PACKS]
    assert len(slugs) == len(set(slugs)) and all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)
    assert INSTITUTIONS[PRINT["institution"]]["kind"] == "regional_government"


@pytest.mark.parametrize("spec", PACKS, ids=[p["slug"] for p in PACKS])
def test_pack_texts_in_all_six_languages(spec):
    assert set(spec["texts"]) == set(LANGUAGES)
    polish = spec["texts"]["pl"]
    for lang in LANGUAGES:
        text = spec["texts"][lang]
        assert text["title"].strip() and len(text["title"]) <= 160, (lang, text["title"])
        assert text["subtitle"].strip() and len(text["subtitle"]) <= 255, lang
        assert isinstance(text["introduction"], list) and all(p.strip() for p in text["introduction"]), lang
        # Each paragraph is one wagtail-localize segment: the translations match the Polish one by one.
        assert len(text["introduction"]) == len(polish["introduction"]), lang
        assert "<" not in "".join(text["introduction"]), "paragraphs are plain text"
        if lang != "pl":
            assert text["title"] != polish["title"], f"{lang} title not translated"
            assert text["introduction"] != polish["introduction"], f"{lang} introduction not translated"
    assert len({spec["texts"][lang]["title"] for lang in LANGUAGES}) >= 5


@pytest.mark.parametrize("spec", PACKS, ids=[p["slug"] for p in PACKS])
def test_pack_references_exist_in_the_demo_content(spec):
    assert spec["items"]
    seen = []
    for item in spec["items"]:
        kind = kind_of(item)
        value = item[kind]
        seen.append((kind, value, item.get("heading")))
        if kind in ("page", "section"):
            assert value in ARTICLES, f"{spec['slug']}: no article {value!r}"
        elif kind == "service":
            assert value in SERVICES, f"{spec['slug']}: no service {value!r}"
        elif kind == "institution":
            assert value in INSTITUTIONS, f"{spec['slug']}: no institution {value!r}"
        else:
            assert value in REGISTERS, f"{spec['slug']}: no register {value!r}"
        assert ("heading" in item) == (kind == "section"), item
    assert len(seen) == len(set(seen)), f"{spec['slug']}: an item is repeated"


def test_section_headings_exist_on_the_polish_page_and_in_every_translation():
    sections = [(p["slug"], item) for p in PACKS for item in p["items"] if kind_of(item) == "section"]
    assert len(sections) >= 4
    for slug, item in sections:
        article = ARTICLES[item["section"]]
        polish = headings(article["translations"]["pl"]["body"])
        wanted = normalise(item["heading"]).casefold()
        assert wanted in [h.casefold() for h in polish], (slug, item["section"], item["heading"], polish)
        # A translation shows the section with the same index: every language must have as many.
        for lang, text in article["translations"].items():
            assert len(headings(text["body"])) == len(polish), (item["section"], lang)


def test_every_item_kind_is_used():
    assert {kind_of(item) for p in PACKS for item in p["items"]} == set(ItemKind.values)


def test_welcome_pack_is_large_enough_for_sixteen_pages():
    (welcome,) = pack("welcome")
    kinds = Counter(kind_of(item) for item in welcome["items"])
    assert kinds["page"] + kinds["section"] >= 12 and kinds["page"] >= 10, kinds
    assert kinds["service"] >= 3 and kinds["institution"] >= 1
    assert {item["register"] for item in welcome["items"] if "register" in item} == REGISTERS
    assert "numer-alarmowy-112" in pages_of(welcome)
    # Roughly 3,000 characters of Polish text fill an A4 page with headings, lists and QR codes.
    text = sum(len(BeautifulSoup(str(ARTICLES[item["page"]]["translations"]["pl"]["body"]), "html.parser")
                   .get_text()) for item in welcome["items"] if "page" in item)
    assert text >= 16 * 3000, text


def test_topic_brochures_stay_on_their_topic():
    brochures = pack("topic")
    assert len(brochures) == 2
    for brochure in brochures:
        assert len(pages_of(brochure)) >= 5
    assert len({frozenset(pages_of(b)) for b in brochures}) == 2


def test_childrens_edition_is_built_from_the_childrens_texts():
    (children,) = pack("children")
    pages = pages_of(children)
    assert len(pages) == len(set(pages))
    assert set(pages) == set(WITH_CHILDREN)
    assert all(kind_of(item) == "page" for item in children["items"] if "page" in item or "section" in item)


def test_single_parents_pack():
    (group,) = pack("group")
    pages = set(pages_of(group))
    assert {"samotni-rodzice", "swiadczenie-800-plus", "zlobki-i-przedszkola", "zapisy-do-szkoly"} <= pages
    services = {item["service"] for item in group["items"] if "service" in item}
    org_types = {f"{org['key']}-{service['type']}": (org["type"], service["type"])
                 for org in DIRECTORY["organisations"] for service in org["services"]}
    kinds = {org_types[slug] for slug in services}
    assert any(service_type == "wsparcie-rodziny" for _org, service_type in kinds)  # family support
    assert any(org_type.startswith("ngo_") for org_type, _service in kinds)  # a support organisation


# --- the texts for children ----------------------------------------------------------------------------
def test_eight_articles_have_a_text_for_children():
    assert len(WITH_CHILDREN) >= 8, WITH_CHILDREN
    for needed in ("zapisy-do-szkoly", "numer-alarmowy-112", "ubezpieczenie-zdrowotne", "pesel-ukr",
                   "polski-dla-dzieci-i-online", "kryzys-i-przemoc"):
        assert needed in WITH_CHILDREN


@pytest.mark.parametrize("slug", WITH_CHILDREN)
def test_children_block_in_all_six_languages_at_the_same_place(slug):
    article = ARTICLES[slug]
    assert set(article["translations"]) == set(LANGUAGES), slug
    polish = children_positions(article, "pl")
    assert len(polish) == 1, "one text for children per article"
    for lang in LANGUAGES:
        assert children_positions(article, lang) == polish, (slug, lang)
    pictograms = {article["translations"][lang]["body"][polish[0]]["value"]["pictogram"] for lang in LANGUAGES}
    assert len(pictograms) == 1 and pictograms <= set(dict(TOPIC_ICONS)), pictograms
    for lang in LANGUAGES:
        body = article["translations"][lang]["body"]
        # The whole body keeps the Polish block structure (a translation is the same page).
        assert [b["type"] for b in body] == [b["type"] for b in article["translations"]["pl"]["body"]], lang
        value = body[polish[0]]["value"]
        assert set(value) == {"heading", "text", "pictogram"}
        assert value["heading"].strip() and len(value["heading"]) <= 120, (slug, lang)
        tags = set(re.findall(r"</?([a-zA-Z0-9]+)", value["text"]))
        assert tags <= CHILDREN_TAGS, (slug, lang, tags - CHILDREN_TAGS)
        plain = BeautifulSoup(value["text"], "html.parser").get_text(" ")
        sentences = [s for s in re.split(r"[.!?。]+\s|\n|[.!?]$", plain) if s.strip()]
        assert len(sentences) >= 4, (slug, lang)
        longest = max(len(s.split()) for s in sentences)
        assert longest <= 16, f"{slug} [{lang}]: a sentence of {longest} words is too long for children"
        # The section after the text for children starts with its own heading (the box is a section alone).
        following = body[polish[0] + 1:polish[0] + 2]
        assert not following or following[0]["type"] in HEADED_BLOCKS or "<h2>" in str(following[0]["value"])[:8]


# --- the loader (on the small test portal) -------------------------------------------------------------
SMALL = {
    "institution": "urzad",
    "packs": [{
        "slug": "probny", "type": "topic",
        "texts": {
            "pl": {"title": "Pakiet próbny", "subtitle": "Pobyt",
                   "introduction": ["Pierwszy akapit.", "Drugi & ostatni."]},
            "en": {"title": "Sample pack", "subtitle": "Stay", "introduction": ["First paragraph.", "Second & last."]},
            "uk": {"title": "Пробний пакет", "subtitle": "Перебування", "introduction": ["Перший абзац.", "Другий."]},
        },
        "items": [{"page": "karta-pobytu"}, {"section": "karta-pobytu", "heading": "Krok po kroku"},
                  {"institution": "fundacja"}],
    }],
}


@pytest.mark.django_db
def test_loader_makes_packs_with_localized_translations(portal, monkeypatch):
    from wagtail_localize.models import StringTranslation, Translation

    from otwarta.core.testing import TEST_CONTENT
    from otwarta.demo.loader import DemoLoader

    requested: list[PrintPack] = []
    try:
        from otwarta.printing import services
    except ImportError:
        services = None
    if services is not None and hasattr(services, "request_generation"):
        monkeypatch.setattr(services, "request_generation", requested.append)

    loader = DemoLoader(content_dir=TEST_CONTENT)
    (source,) = loader.load_print_packs(SMALL)
    assert source.locale.language_code == "pl" and source.institution.slug == "urzad"
    assert source.introduction == "<p>Pierwszy akapit.</p><p>Drugi &amp; ostatni.</p>"
    items = list(source.items.order_by("sort_order"))
    assert [item.kind for item in items] == ["page", "section", "institution"]
    assert items[0].page.slug == "karta-pobytu" and items[1].section_heading == "Krok po kroku"
    assert items[1].reference_label.endswith("› Krok po kroku")
    english = source.in_language("en")
    assert english is not None and english.title == "Sample pack" and english.subtitle == "Stay"
    assert "Second &amp; last." in english.introduction and english.pack_type == "topic"
    assert source.in_language("uk").title == "Пробний пакет"
    assert source.in_language("ru") is None
    assert Translation.objects.filter(source__object_id=source.translation_key, enabled=True).count() == 2
    assert StringTranslation.objects.filter(locale__language_code="en", data="Sample pack").exists()
    if services is not None and hasattr(services, "request_generation"):
        assert requested == [source]

    # Idempotent; with update the Polish pack and its translations follow the file.
    again = DemoLoader(content_dir=TEST_CONTENT)
    again.load_print_packs(SMALL)
    assert not [line for line in again.report.created if "print pack" in line]
    assert PrintPack.objects.filter(slug="probny").count() == 3
    changed = {**SMALL, "packs": [{**SMALL["packs"][0], "items": SMALL["packs"][0]["items"][:1],
                                    "texts": {**SMALL["packs"][0]["texts"],
                                              "en": {**SMALL["packs"][0]["texts"]["en"], "title": "Trial pack"}}}]}
    DemoLoader(content_dir=TEST_CONTENT, update=True).load_print_packs(changed)
    source.refresh_from_db()
    assert source.items.count() == 1
    assert source.in_language("en").title == "Trial pack"


@pytest.mark.django_db
def test_loader_names_a_missing_reference(portal):
    from otwarta.core.testing import TEST_CONTENT
    from otwarta.demo.loader import DemoLoader

    broken = {**SMALL, "packs": [{**SMALL["packs"][0], "items": [{"page": "nie-ma-takiej"}]}]}
    with pytest.raises(ValueError, match="nie-ma-takiej"):
        DemoLoader(content_dir=TEST_CONTENT).load_print_packs(broken)
