"""The shipped demo content meets what the portal promises (checked on the files, without loading them)."""

from __future__ import annotations

import re

import pytest

from otwarta.demo.loader import CONTENT_DIR, read_yaml
from otwarta.institutions.models import InstitutionKind
from otwarta.portal.blocks import ArticleBodyBlock
from otwarta.portal.models import TOPIC_ICONS
from otwarta.portal.taxonomy import AUDIENCES, RESIDENCE_SITUATIONS

TOPIC_FILES = sorted((CONTENT_DIR / "topics").glob("*.yaml"))
TOPICS = [read_yaml(path) for path in TOPIC_FILES]
ARTICLES = [article for topic in TOPICS for article in topic["articles"]]
INSTITUTIONS = read_yaml(CONTENT_DIR / "institutions.yaml")
HOME = read_yaml(CONTENT_DIR / "home.yaml")
ALLOWED_TAGS = {"p", "h2", "h3", "b", "i", "ul", "ol", "li", "a", "br", "strong", "em"}


def test_enough_topics_articles_and_institutions():
    assert len(TOPICS) >= 10
    assert len(ARTICLES) >= 40
    assert len(INSTITUTIONS) >= 8
    kinds = {row["kind"] for row in INSTITUTIONS}
    assert kinds <= set(InstitutionKind.values)
    assert len(kinds) >= 7


def test_every_article_in_polish_english_ukrainian_russian():
    for article in ARTICLES:
        for lang in ("pl", "en", "uk", "ru"):
            text = article["translations"].get(lang)
            assert text, f"{article['slug']} has no {lang}"
            assert text["title"] and text["summary"] and text["body"], (article["slug"], lang)


def test_home_and_five_key_articles_in_belarusian_and_georgian():
    assert {"be", "ka"} <= set(HOME["title"]) and {"be", "ka"} <= set(HOME["intro"])
    both = [a["slug"] for a in ARTICLES if {"be", "ka"} <= set(a["translations"])]
    assert len(both) >= 5, both


def test_topics_named_in_all_six_languages():
    for topic in TOPICS:
        assert set(topic["topic"]["title"]) >= {"pl", "en", "uk", "ru", "be", "ka"}, topic["topic"]["slug"]
        assert topic["topic"]["icon"] in dict(TOPIC_ICONS)


def test_required_topics_present():
    slugs = {topic["topic"]["slug"] for topic in TOPICS}
    for required in ("pobyt-i-praca", "pesel-i-ochrona-czasowa", "praca-i-prawa-pracownika",
                     "szukanie-pracy-i-kwalifikacje", "wlasna-firma", "zdrowie-i-nfz", "nagle-sytuacje",
                     "szkola-i-przedszkole", "nauka-jezyka-polskiego", "mieszkanie", "swiadczenia-socjalne",
                     "rodzina-i-dzieci", "kultura-i-spolecznosc", "gdzie-szukac-pomocy"):
        assert required in slugs


def test_references_and_vocabulary_exist():
    institution_slugs = {row["slug"] for row in INSTITUTIONS}
    audiences = {code for code, _ in AUDIENCES}
    situations = {code for code, _ in RESIDENCE_SITUATIONS}
    slugs = [a["slug"] for a in ARTICLES]
    assert len(slugs) == len(set(slugs)), "article slugs must be unique"
    for article in ARTICLES:
        assert article["institution"] in institution_slugs
        assert set(article.get("audiences", [])) <= audiences, article["slug"]
        assert set(article.get("residence_situations", [])) <= situations, article["slug"]


@pytest.mark.parametrize("article", ARTICLES, ids=[a["slug"] for a in ARTICLES])
def test_article_blocks_are_valid(article):
    block_types = set(ArticleBodyBlock.base_blocks)
    assert block_types == {"text", "steps", "documents", "contact", "link", "warning", "questions", "official_form",
                           "service", "children"}
    institution_slugs = {row["slug"] for row in INSTITUTIONS}
    for lang, text in article["translations"].items():
        assert len(text["summary"]) <= 400, (article["slug"], lang)
        for block in text["body"]:
            assert block["type"] in block_types, (article["slug"], lang, block["type"])
            if block["type"] == "contact":
                assert block["value"]["institution"] in institution_slugs
            if block["type"] == "link":
                assert block["value"]["url"].startswith("https://"), block["value"]["url"]
            for tag in re.findall(r"</?([a-zA-Z0-9]+)", str(block["value"])):
                assert tag.lower() in ALLOWED_TAGS, (article["slug"], lang, tag)
