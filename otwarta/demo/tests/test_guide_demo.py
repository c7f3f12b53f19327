"""The demo situation guide (``otwarta/demo/content/guide.yaml``): checked on the file (complete in the six
portal languages, the shared key vocabulary, references that exist, rules that make sense for the situations
they name), plus ``DemoLoader.load_guide`` on the small test portal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from otwarta.core.situations import SHARED_KEYS, Condition, matches
from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml
from otwarta.guide.models import (
    MAX_QUESTIONS,
    GuideQuestionBlock,
    GuideRuleBlock,
    QuestionKind,
    RecommendationKind,
    SituationGuidePage,
)
from otwarta.registers.models import RegisterKind

LANGUAGES = ("pl", "en", "uk", "ru", "be", "ka")
GUIDE: dict[str, Any] = read_yaml(CONTENT_DIR / "guide.yaml")
QUESTIONS: list[dict[str, Any]] = GUIDE["questions"]
RULES: list[dict[str, Any]] = GUIDE["rules"]
ARTICLES = {article["slug"] for path in sorted((CONTENT_DIR / "topics").glob("*.yaml"))
            for article in read_yaml(path)["articles"]}
PATHWAYS = {read_yaml(path)["slug"] for path in sorted((CONTENT_DIR / "pathways").glob("*.yaml"))}
CATEGORIES = {term["code"] for term in read_yaml(CONTENT_DIR / "directory.yaml")["terms"]}
REGISTERS = {row["kind"] for row in read_yaml(CONTENT_DIR / "registers.yaml")["registers"]}

# The shared situation vocabulary (otwarta.core.situations.SHARED_KEYS, documented in docs/situation-guide.md).
VOCABULARY: dict[str, set[str]] = {key: set(options) for key, options in SHARED_KEYS.items()}
MULTIPLE = {"with", "need"}
HEALTH_NEEDS = {"doctor", "pregnancy", "child-health", "vaccinations", "mental-health", "disability-support",
                "seniors"}


def texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every text of the file (a mapping with a ``pl`` key) and where it is."""
    if isinstance(value, dict):
        if isinstance(value.get("pl"), str):
            yield path, value
            return
        for key, child in value.items():
            yield from texts(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from texts(child, f"{path}[{index}]")


def as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def conditions(rule: dict[str, Any]) -> list[Condition]:
    return [Condition(c["question"], tuple(as_list(c["answers"]))) for c in rule.get("when") or []]


def checklist(answers: dict[str, tuple[str, ...]]) -> dict[tuple[str, str], int]:
    """What the file's rules give for ``answers``, as the engine decides it (a rule fires when all its
    conditions hold for what was answered; one item per action text, page, category set or register, with
    the best priority): item → priority."""
    items: dict[tuple[str, str], int] = {}
    for rule in RULES:
        if not matches(conditions(rule), answers, unanswered=False):
            continue
        for rec in rule["recommendations"]:
            if rec["kind"] == "do":
                key = ("do", rec["text"]["pl"])
            elif rec["kind"] == "read":
                key = ("read", rec.get("pathway") or rec["page"])
            elif rec["kind"] == "services":
                key = ("services", ",".join(sorted(as_list(rec["categories"]))))
            else:
                key = ("language", rec["register"])
            items[key] = min(items.get(key, 101), rec["priority"])
    return items


# --- the file ------------------------------------------------------------------------------------------------
def test_every_text_in_the_six_portal_languages():
    found = list(texts(GUIDE))
    assert len(found) > 100
    for path, text in found:
        assert set(text) == set(LANGUAGES), (path, sorted(text))
        for lang, value in text.items():
            assert isinstance(value, str) and value.strip() == value and value, (path, lang)
            assert "\n" not in value, (path, lang)
    assert set(GUIDE["title"]) == set(GUIDE["intro"]) == set(LANGUAGES)


def test_texts_fit_the_blocks():
    for question in QUESTIONS:
        for lang in LANGUAGES:
            assert len(question["question"][lang]) <= 160 and len(question["help_text"][lang]) <= 255
            assert all(len(option["label"][lang]) <= 120 for option in question["options"])
    for rule in RULES:
        assert all(len(rule["name"][lang]) <= 120 for lang in LANGUAGES), rule["name"]["pl"]


def test_questions_use_the_shared_vocabulary():
    keys = [question["key"] for question in QUESTIONS]
    assert len(keys) <= MAX_QUESTIONS and len(keys) == len(set(keys))
    assert {"residence", "insurance", "with", "need", "place", "polish"} <= set(keys) <= set(VOCABULARY)
    for question in QUESTIONS:
        options = [option["key"] for option in question["options"]]
        assert len(options) == len(set(options)), question["key"]
        assert set(options) == VOCABULARY[question["key"]], question["key"]
        assert question["kind"] == (QuestionKind.PLACE if question["key"] == "place" else QuestionKind.CHOICE)
        assert bool(question["multiple"]) == (question["key"] in MULTIPLE), question["key"]


def test_rules_are_well_formed():
    assert 25 <= len(RULES) <= 40
    names = [rule["name"]["pl"] for rule in RULES]
    assert len(names) == len(set(names)), "each rule needs its own name"
    options = {question["key"]: {o["key"] for o in question["options"]} for question in QUESTIONS}
    for rule in RULES:
        name = rule["name"]["pl"]
        assert set(rule) == {"name", "when", "recommendations"}, name
        assert rule["recommendations"], name
        for condition in rule["when"]:
            assert condition["question"] in options and condition["question"] != "place", name
            answers = as_list(condition["answers"])
            assert answers and set(answers) <= options[condition["question"]], (name, answers)
        for rec in rule["recommendations"]:
            assert rec["kind"] in RecommendationKind.values, name
            assert isinstance(rec["priority"], int) and 1 <= rec["priority"] <= 100, name
            allowed = {"kind", "priority", "text"} | {"do": set(), "read": {"page", "pathway"},
                                                     "services": {"categories"}, "language": {"register"}}[rec["kind"]]
            assert set(rec) <= allowed, (name, sorted(rec))
            if rec["kind"] == "do":
                assert rec.get("text"), name
            elif rec["kind"] == "read":
                assert len({"page", "pathway"} & set(rec)) == 1, name
            elif rec["kind"] == "services":
                assert as_list(rec["categories"]), name
            else:
                assert rec["register"] in RegisterKind.values, name


def test_references_exist_in_the_demo_content():
    assert PATHWAYS, "the demo health pathways (content/pathways/*.yaml) are missing"
    for rule in RULES:
        for rec in rule["recommendations"]:
            name = rule["name"]["pl"]
            if "page" in rec:
                assert rec["page"] in ARTICLES, (name, rec["page"])
                assert rec["page"] not in PATHWAYS, f"{rec['page']} is a pathway: name it with `pathway:`"
            if "pathway" in rec:
                assert rec["pathway"] in PATHWAYS, (name, rec["pathway"])
            if "categories" in rec:
                assert set(as_list(rec["categories"])) <= CATEGORIES, (name, rec["categories"])
            if "register" in rec:
                assert rec["register"] in REGISTERS, (name, rec["register"])


def test_every_pathway_is_recommended():
    recommended = {rec["pathway"] for rule in RULES for rec in rule["recommendations"] if "pathway" in rec}
    assert recommended == PATHWAYS


def test_same_polish_text_same_translation():
    """The loader hands wagtail-localize one translation per Polish string of a field."""
    for field, items in (("questions", QUESTIONS), ("rules", RULES)):
        for lang in LANGUAGES:
            seen: dict[str, str] = {}
            for _path, text in texts(items):
                assert seen.setdefault(text["pl"], text[lang]) == text[lang], (field, lang, text["pl"])


# --- what the rules give ------------------------------------------------------------------------------------
def test_no_checklist_is_ever_empty():
    general = [rule for rule in RULES if not rule["when"]]
    assert len(general) == 1
    assert len(checklist({})) >= 2


@pytest.mark.parametrize("need", sorted(VOCABULARY["need"]))
def test_every_need_gets_its_own_items(need):
    assert set(checklist({"need": (need,)})) - set(checklist({})), need


@pytest.mark.parametrize("question", ["residence", "insurance", "with", "polish"])
def test_every_situation_is_named_by_some_rule(question):
    named = {answer for rule in RULES for c in rule["when"] if c["question"] == question
             for answer in as_list(c["answers"])}
    wanted = VOCABULARY[question] - ({"good"} if question == "polish" else set())
    assert wanted <= named, wanted - named


def test_emergency_comes_first_whatever_else_is_answered():
    answers = {"need": ("emergency", "doctor", "pregnancy", "mental-health"), "with": ("pregnant", "children"),
               "insurance": ("not-insured",), "residence": ("pesel-ukr",), "polish": ("none",)}
    items = checklist(answers)
    first = [key for key, priority in items.items() if priority == 1]
    assert len(first) == 1 and first[0][0] == "do" and "112" in first[0][1]
    assert min(items.values()) == 1
    assert items[("read", "numer-alarmowy-112")] == 2


def test_not_insured_doctor_learns_how_to_get_care():
    items = checklist({"need": ("doctor",), "insurance": ("not-insured",)})
    assert ("read", "ubezpieczenie-zdrowotne") in items
    without = [priority for key, priority in items.items() if key[0] == "do"]
    assert without and min(without) < items[("read", "zapis-do-lekarza-rodzinnego")]
    insured = checklist({"need": ("doctor",), "insurance": ("nfz-work",)})
    assert ("read", "ubezpieczenie-zdrowotne") not in insured
    assert any(key[0] == "do" and "POZ" in key[1] for key in insured)


def test_pesel_ukr_keeps_the_status():
    items = checklist({"residence": ("pesel-ukr",)})
    assert ("read", "pesel-ukr") in items and ("read", "karta-pobytu-cukr") in items
    assert any(key[0] == "do" and "30" in key[1] for key in items)


def test_pregnancy_pathway_first():
    for answers in ({"with": ("pregnant",)}, {"need": ("pregnancy",)},
                    {"with": ("pregnant", "children"), "need": ("doctor", "work", "housing"), "polish": ("none",),
                     "residence": ("visa",), "insurance": ("nfz-work",)}):
        items = checklist(answers)
        assert min(items.values()) == items[("read", "ciaza-i-porod")], answers


def test_children_school_and_vaccinations():
    items = checklist({"with": ("children",)})
    assert ("read", "zapisy-do-szkoly") in items
    assert ("read", "zdrowie-dzieci-i-szczepienia") in items


def test_no_polish_interpreter_and_course():
    items = checklist({"polish": ("none",)})
    assert ("language", "interpreter") in items and ("read", "kursy-jezyka-polskiego") in items
    medical = checklist({"polish": ("none",), "need": ("doctor",)})
    assert medical[("language", "interpreter")] < items[("language", "interpreter")]


def test_health_needs_for_the_uninsured_all_covered():
    for need in HEALTH_NEEDS:
        assert ("read", "ubezpieczenie-zdrowotne") in checklist({"need": (need,), "insurance": ("not-insured",)}), need


def test_blocks_accept_the_values_in_every_language(monkeypatch):
    """The values the loader builds are valid blocks (lengths, keys), in each language."""
    monkeypatch.setattr(DemoLoader, "_guide_page", lambda self, rule, rec, locale: None)
    loader = DemoLoader()
    question_block, rule_block = GuideQuestionBlock(), GuideRuleBlock()
    for lang in LANGUAGES:
        for question in QUESTIONS:
            question_block.clean(question_block.to_python(loader._guide_question(question, lang)))
        for rule in RULES:
            rule_block.clean(rule_block.to_python(loader._guide_rule(rule, lang, None)))  # type: ignore[arg-type]


# --- the loader (on the small test portal) -------------------------------------------------------------------
def small_guide() -> dict[str, Any]:
    def text(pl: str, en: str, uk: str) -> dict[str, str]:
        return {"pl": pl, "en": en, "uk": uk}

    return {
        "slug": "przewodnik", "thin_below": 2,
        "title": text("Przewodnik", "Guide", "Путівник"),
        "intro": text("Kilka pytań.", "A few questions.", "Кілька запитань."),
        "questions": [
            {"key": "residence", "kind": "choice", "multiple": False,
             "question": text("Twój pobyt?", "Your residence?", "Ваше перебування?"),
             "help_text": text("Wybierz jedno.", "Choose one.", "Виберіть одне."),
             "options": [{"key": "pesel-ukr", "label": text("PESEL UKR", "PESEL UKR", "PESEL UKR")},
                         {"key": "residence-card", "label": text("Karta pobytu", "Residence card", "Карта побиту")}]},
            {"key": "place", "kind": "place", "multiple": False,
             "question": text("Gdzie mieszkasz?", "Where do you live?", "Де ви живете?"),
             "help_text": text("Powiat.", "County.", "Повіт."), "options": []},
        ],
        "rules": [
            {"name": text("Dla wszystkich", "Everyone", "Для всіх"), "when": [],
             "recommendations": [{"kind": "read", "priority": 90, "page": "pesel"}]},
            {"name": text("Karta", "Card", "Карта"),
             "when": [{"question": "residence", "answers": ["residence-card"]}],
             "recommendations": [
                 {"kind": "do", "priority": 5, "text": text("Sprawdź datę.", "Check the date.", "Перевірте дату.")},
                 {"kind": "read", "priority": 10, "page": "karta-pobytu",
                  "text": text("Ważne.", "Important.", "Важливо.")},
                 {"kind": "services", "priority": 20, "categories": ["health", "legal-aid"]},
                 {"kind": "language", "priority": 30, "register": "interpreter"}]},
        ],
    }


@pytest.mark.django_db
def test_loader_makes_the_guide_with_localized_translations(portal, django_capture_on_commit_callbacks):
    from wagtail.models import Locale
    from wagtail_localize.models import Translation

    from otwarta.core.testing import TEST_CONTENT
    from otwarta.portal.models import ArticlePage, HomePage

    loader = DemoLoader(content_dir=TEST_CONTENT)
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes translations on commit
        page = loader.load_guide(small_guide())
    assert isinstance(page, SituationGuidePage) and page.live and page.slug == "przewodnik"
    assert page.locale.language_code == "pl" and page.get_parent().specific_class is HomePage
    assert page.thin_below == 2 and page.intro == "Kilka pytań."
    assert [block.value["key"] for block in page.questions] == ["residence", "place"]
    assert page.questions[0].value["options"][1]["label"] == "Karta pobytu"
    card_rule = page.rules[1].value
    assert [(c["question"], c["answers"]) for c in card_rule["when"]] == [("residence", "residence-card")]
    recommendations = card_rule["recommendations"]
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    assert recommendations[1]["page"].pk == article.pk
    assert recommendations[2]["categories"] == "health, legal-aid" and recommendations[3]["register"] == "interpreter"

    english = page.get_translation(Locale.objects.get(language_code="en")).specific
    assert english.live and english.title == "Guide" and english.intro == "A few questions."
    assert [block.value["key"] for block in english.questions] == ["residence", "place"]
    assert english.questions[0].value["question"] == "Your residence?"
    assert english.questions[0].value["options"][1]["label"] == "Residence card"
    assert english.questions[1].value["kind"] == "place"
    rule = english.rules[1].value
    assert rule["name"] == "Card" and rule["recommendations"][0]["text"] == "Check the date."
    assert rule["recommendations"][1]["page"].pk == article.pk and rule["recommendations"][1]["text"] == "Important."
    assert [(c["question"], c["answers"]) for c in rule["when"]] == [("residence", "residence-card")]
    ukrainian = SituationGuidePage.objects.get(translation_key=page.translation_key, locale__language_code="uk")
    assert ukrainian.title == "Путівник" and ukrainian.rules[0].value["name"] == "Для всіх"
    assert not SituationGuidePage.objects.filter(translation_key=page.translation_key,
                                                 locale__language_code="ru").exists()
    assert Translation.objects.filter(source__object_id=page.translation_key, enabled=True).count() == 2

    # Idempotent; with update the Polish page and its translations follow the file.
    again = DemoLoader(content_dir=TEST_CONTENT)
    assert again.load_guide(small_guide()).pk == page.pk
    assert not [line for line in again.report.created if line.startswith("guide")]
    assert SituationGuidePage.objects.count() == 3
    changed = small_guide()
    changed["rules"][1]["recommendations"][0]["text"] = {"pl": "Sprawdź termin.", "en": "Check the expiry date.",
                                                         "uk": "Перевірте термін."}
    with django_capture_on_commit_callbacks(execute=True):
        DemoLoader(content_dir=TEST_CONTENT, update=True).load_guide(changed)
    page.refresh_from_db()
    english.refresh_from_db()
    assert page.rules[1].value["recommendations"][0]["text"] == "Sprawdź termin."
    assert english.rules[1].value["recommendations"][0]["text"] == "Check the expiry date."


@pytest.mark.django_db
def test_loader_names_a_missing_page(portal):
    from otwarta.core.testing import TEST_CONTENT

    broken = small_guide()
    broken["rules"][1]["recommendations"][1]["page"] = "nie-ma-takiej"
    with pytest.raises(ValueError, match="nie-ma-takiej"):
        DemoLoader(content_dir=TEST_CONTENT).load_guide(broken)
    broken = small_guide()
    broken["rules"][0]["recommendations"][0] = {"kind": "read", "priority": 1, "pathway": "karta-pobytu"}
    with pytest.raises(ValueError, match="health pathway 'karta-pobytu'"):
        DemoLoader(content_dir=TEST_CONTENT).load_guide(broken)
