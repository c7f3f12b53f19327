"""The demo health pathways (content/pathways/*.yaml): complete in Polish, English, Ukrainian and Russian, with
the same structure in every language, keys from the shared situation vocabulary, conditions that name the
pathway's own questions and answers, real services and institutions; and the loader puts them in the portal
as PathwayPages with wagtail-localize translations."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils.html import escape

from otwarta.core.situations import SHARED_KEYS
from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml
from otwarta.directory.demo import services_in
from otwarta.pathways.models import PathwayGroup
from otwarta.portal.blocks import ArticleBodyBlock
from otwarta.portal.taxonomy import AUDIENCES, RESIDENCE_SITUATIONS
from otwarta.registers.models import RegisterKind

PATHWAY_DIR = CONTENT_DIR / "pathways"
FILES = sorted(PATHWAY_DIR.glob("*.yaml"))
PATHWAYS = {path.name: read_yaml(path) for path in FILES}
OURS = ("01-ciaza-i-porod.yaml", "02-zdrowie-dzieci-i-szczepienia.yaml", "03-lekarz-rodzinny.yaml")
REQUIRED_LANGUAGES = ("pl", "en", "uk", "ru")
OPTIONAL_LANGUAGES = ("be", "ka")
DIRECTORY = read_yaml(CONTENT_DIR / "directory.yaml")
SERVICE_SLUGS = {f"{org}-{service['type']}" for org, service in services_in(DIRECTORY)}
INSTITUTIONS = {row["slug"] for row in read_yaml(CONTENT_DIR / "institutions.yaml")}
TOPIC_FILES = [read_yaml(path) for path in sorted((CONTENT_DIR / "topics").glob("*.yaml"))]
TOPICS = {topic["topic"]["slug"] for topic in TOPIC_FILES}
ARTICLES = [(article["slug"], article["institution"]) for topic in TOPIC_FILES for article in topic["articles"]]
ALLOWED_TAGS = {"p", "h2", "h3", "b", "i", "ul", "ol", "li", "a", "br", "strong", "em"}

# The shared situation vocabulary (otwarta.core.situations.SHARED_KEYS, documented in docs/situation-guide.md).
VOCABULARY: dict[str, set[str]] = {key: set(options) for key, options in SHARED_KEYS.items() if key != "place"}
TERYT_COUNTY = re.compile(r"^12\d\d$")

# What a translation's step may hold: its own texts, and structure that must equal the Polish step's.
STEP_TEXTS = {"title", "text", "documents", "cost", "language_note"}
STEP_STRUCTURE = {"services", "language_help", "applies_when", "urgent"}


def ids(files: Any) -> list[str]:
    return [name.removesuffix(".yaml") for name in files]


def test_our_pathways_are_there():
    assert set(OURS) <= set(PATHWAYS), sorted(PATHWAYS)
    for name in PATHWAYS:
        assert re.match(r"^\d\d-[a-z0-9-]+\.yaml$", name), name
    slugs = [spec["slug"] for spec in PATHWAYS.values()]
    assert len(slugs) == len(set(slugs)), "pathway slugs must be unique"
    # A pathway is an article: its slug must not be one of an article's (print packs find pages by slug).
    assert not set(slugs) & {slug for slug, _ in ARTICLES}


@pytest.mark.parametrize("name", list(PATHWAYS), ids=ids(PATHWAYS))
def test_languages_and_same_structure(name: str):
    spec = PATHWAYS[name]
    translations = spec["translations"]
    missing = set(REQUIRED_LANGUAGES) - set(translations)
    assert not missing, f"{name}: missing {missing}"
    assert set(translations) <= set(REQUIRED_LANGUAGES + OPTIONAL_LANGUAGES)
    source = translations["pl"]
    for lang, text in translations.items():
        where = f"{name} [{lang}]"
        assert text["title"] and text["summary"], where
        assert len(text["title"]) <= 255 and len(text["summary"]) <= 400, where
        assert [b["type"] for b in text["body"]] == [b["type"] for b in source["body"]], where
        situations = text.get("situations") or []
        assert len(situations) == len(source["situations"]), where
        for question, own in zip(source["situations"], situations, strict=True):
            assert own.get("key", question["key"]) == question["key"], where
            assert own["question"], where
            assert len(own["options"]) == len(question["options"]), (where, question["key"])
            for option, mine in zip(question["options"], own["options"], strict=True):
                assert mine.get("key", option["key"]) == option["key"], (where, question["key"])
                assert mine["label"] and len(mine["label"]) <= 120, (where, option["key"])
        assert len(text["steps"]) == len(source["steps"]), where
        for number, (step, own) in enumerate(zip(source["steps"], text["steps"], strict=True), start=1):
            assert set(own) <= STEP_TEXTS | STEP_STRUCTURE, (where, number, set(own) - STEP_TEXTS - STEP_STRUCTURE)
            assert own["title"] and own["text"], (where, number)
            assert len(own["title"]) <= 200, (where, number)
            for key in STEP_STRUCTURE & set(own):
                assert own[key] == step[key], (where, number, key)
            assert len(own.get("documents") or []) == len(step.get("documents") or []), (where, number)
            for key in ("cost", "language_note"):
                assert bool(own.get(key)) == bool(step.get(key)), (where, number, key)


@pytest.mark.parametrize("name", list(PATHWAYS), ids=ids(PATHWAYS))
def test_steps_branch_on_the_pathways_own_questions(name: str):
    source = PATHWAYS[name]["translations"]["pl"]
    steps = source["steps"]
    assert 5 <= len(steps) <= 9, f"{name}: {len(steps)} steps"
    questions = {question["key"]: {option["key"] for option in question["options"]}
                 for question in source["situations"]}
    assert questions, f"{name}: no question to branch on"
    conditional = [step for step in steps if step.get("applies_when")]
    assert conditional and len(conditional) < len(steps), f"{name}: needs conditional and common steps"
    for step in conditional:
        for condition in step["applies_when"]:
            assert condition["question"] in questions, (name, step["title"], condition["question"])
            answers = [key.strip() for key in condition["answers"].split(",") if key.strip()]
            assert answers, (name, step["title"])
            assert set(answers) <= questions[condition["question"]], (name, step["title"], answers)
    assert any(step.get("services") for step in steps), f"{name}: no service from the directory"
    assert any(step.get("documents") for step in steps), f"{name}: no documents"
    assert any(step.get("cost") for step in steps), f"{name}: no costs"
    assert any(step.get("language_help") for step in steps), f"{name}: no language help"
    for step in steps:
        assert set(step.get("language_help") or []) <= set(RegisterKind.values), (name, step["title"])
        assert isinstance(step.get("urgent", False), bool), (name, step["title"])


@pytest.mark.parametrize("name", list(PATHWAYS), ids=ids(PATHWAYS))
def test_keys_from_the_shared_vocabulary(name: str):
    for question in PATHWAYS[name]["translations"]["pl"]["situations"]:
        key = question["key"]
        options = [option["key"] for option in question["options"]]
        assert len(options) == len(set(options)) >= 2, (name, key)
        if key == "place":
            assert all(TERYT_COUNTY.match(str(option)) for option in options), (name, options)
        else:
            assert key in VOCABULARY, f"{name}: question {key!r} is not in the shared vocabulary"
            assert set(options) <= VOCABULARY[key], f"{name}: {key}: {set(options) - VOCABULARY[key]}"


@pytest.mark.parametrize("name", list(PATHWAYS), ids=ids(PATHWAYS))
def test_references_exist(name: str):
    spec = PATHWAYS[name]
    assert spec["institution"] in INSTITUTIONS, spec["institution"]
    assert spec["topic"] in TOPICS, spec["topic"]
    assert spec["group"] in PathwayGroup.values, spec["group"]
    assert set(spec.get("audiences", [])) <= {code for code, _ in AUDIENCES}
    assert set(spec.get("residence_situations", [])) <= {code for code, _ in RESIDENCE_SITUATIONS}
    for step in spec["translations"]["pl"]["steps"]:
        for slug in step.get("services") or []:
            assert slug in SERVICE_SLUGS, f"{name}: no service {slug!r} in directory.yaml"
    block_types = set(ArticleBodyBlock.base_blocks)
    for lang, text in spec["translations"].items():
        for block in text["body"]:
            assert block["type"] in block_types, (name, lang, block["type"])
            if block["type"] == "contact":
                assert block["value"]["institution"] in INSTITUTIONS
        html = [block["value"] for block in text["body"]] + [step["text"] for step in text["steps"]]
        for tag in re.findall(r"</?([a-zA-Z0-9]+)", str(html)):
            assert tag.lower() in ALLOWED_TAGS, (name, lang, tag)


# --- the loader ------------------------------------------------------------------------------------------
def test_loader_refuses_a_translation_with_another_structure():
    spec = copy.deepcopy(PATHWAYS["03-lekarz-rodzinny.yaml"])
    services = {slug: 1 for step in spec["translations"]["pl"]["steps"] for slug in step.get("services") or []}
    loader = DemoLoader()
    assert loader._pathway_texts(spec, "uk", "test", services)["title"] == spec["translations"]["uk"]["title"]
    spec["translations"]["uk"]["steps"].pop()
    with pytest.raises(ValueError, match=r"test \[uk\]: \d+ steps, the Polish text has \d+"):
        loader._pathway_texts(spec, "uk", "test", services)
    spec = copy.deepcopy(PATHWAYS["03-lekarz-rodzinny.yaml"])
    spec["translations"]["en"]["situations"][0]["options"].pop()
    with pytest.raises(ValueError, match="answers to"):
        loader._pathway_texts(spec, "en", "test", services)


def _content_with(tmp_path: Path, spec: dict[str, Any]) -> Path:
    """The test portal's content (otwarta/core/testing.py) plus one pathway, owned by ``urzad`` in ``pobyt``."""
    from otwarta.core.testing import TEST_CONTENT

    content = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, content)
    (content / "pathways").mkdir()
    spec = {**spec, "institution": "urzad", "topic": "pobyt"}
    import yaml

    (content / "pathways" / "01-test.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return content


def test_loader_names_a_missing_service(portal, tmp_path):
    spec = PATHWAYS["03-lekarz-rodzinny.yaml"]
    first = next(slug for step in spec["translations"]["pl"]["steps"] for slug in step.get("services") or [])
    with pytest.raises(ValueError, match=f"no service '{first}'"):
        DemoLoader(content_dir=_content_with(tmp_path, spec)).load(with_accounts=False)
    with pytest.raises(ValueError, match="no institution 'nikt'"):
        DemoLoader().load_pathway({**spec, "institution": "nikt"}, "test")
    with pytest.raises(ValueError, match="no topic 'brak'"):
        DemoLoader().load_pathway({**spec, "institution": "urzad", "topic": "brak"}, "test")


def test_loader_puts_a_pathway_and_its_translations_in_the_portal(portal, tmp_path):
    from wagtail.models import Locale

    from otwarta.directory import testing as directory
    from otwarta.pathways.models import PathwayPage

    spec = PATHWAYS["03-lekarz-rodzinny.yaml"]
    source = spec["translations"]["pl"]
    slugs = sorted({slug for step in source["steps"] for slug in step.get("services") or []})
    org = directory.organization()
    made = {slug: directory.service(f"Usługa {slug}", org, slug=slug) for slug in slugs}
    content = _content_with(tmp_path, spec)

    DemoLoader(content_dir=content).load(with_accounts=False)
    DemoLoader(content_dir=content).load(with_accounts=False)  # idempotent
    pl, uk = Locale.objects.get(language_code="pl"), Locale.objects.get(language_code="uk")
    pages = PathwayPage.objects.filter(slug=spec["slug"], locale=pl)
    assert pages.count() == 1
    page = pages.get()
    assert page.get_parent().specific.institution.slug == "urzad"
    assert page.title == source["title"] and page.live and page.group == spec["group"]
    assert page.topic.slug == "pobyt"
    assert [block.value["title"] for block in page.steps] == [step["title"] for step in source["steps"]]
    assert [block.value["key"] for block in page.situations] == [q["key"] for q in source["situations"]]
    for block, step in zip(page.steps, source["steps"], strict=True):
        assert [card["service"].pk for card in block.value["services"]] == \
            [made[slug].pk for slug in step.get("services") or []]
        assert [f"{c['question']}:{c['answers']}" for c in block.value["applies_when"]] == \
            [f"{c['question']}:{c['answers']}" for c in step.get("applies_when") or []]
        assert list(block.value["documents"]) == list(step.get("documents") or [])

    translated = page.get_translation_or_none(uk)
    assert translated is not None and translated.live
    translated = translated.specific
    assert isinstance(translated, PathwayPage) and translated.translation_key == page.translation_key
    assert translated.title == spec["translations"]["uk"]["title"]
    assert [block.value["title"] for block in translated.steps] == \
        [step["title"] for step in spec["translations"]["uk"]["steps"]]
    assert [block.value["key"] for block in translated.situations] == [q["key"] for q in source["situations"]]
    assert [o["label"] for o in translated.situations[0].value["options"]] == \
        [o["label"] for o in spec["translations"]["uk"]["situations"][0]["options"]]
    assert [[card["service"].pk for card in block.value["services"]] for block in translated.steps] == \
        [[card["service"].pk for card in block.value["services"]] for block in page.steps]
    assert translated.topic is not None and translated.topic.locale == uk
    assert set(PathwayPage.objects.filter(translation_key=page.translation_key)
               .values_list("locale__language_code", flat=True)) == set(REQUIRED_LANGUAGES)

    from django.test import Client

    client = Client()
    response = client.get(translated.url)
    assert response.status_code == 200
    html = response.content.decode()
    for step in spec["translations"]["uk"]["steps"]:
        assert escape(step["title"]) in html, step["title"]
    # Answering "adult": the steps only for a child or an older person drop out, the common ones stay.
    html = client.get(page.url, {"age": "adult"}).content.decode()
    for step in source["steps"]:
        ages = [c["answers"] for c in step.get("applies_when") or [] if c["question"] == "age"]
        assert (escape(step["title"]) in html) == (not ages or "adult" in ages[0]), step["title"]

    changed = copy.deepcopy(spec)
    changed["translations"]["uk"]["title"] = "Новий заголовок"
    DemoLoader(content_dir=_content_with(tmp_path / "again", changed), update=True).load(with_accounts=False)
    assert PathwayPage.objects.get(translation_key=page.translation_key, locale=uk).title == "Новий заголовок"
    assert PathwayPage.objects.filter(slug=spec["slug"], locale=pl).count() == 1
