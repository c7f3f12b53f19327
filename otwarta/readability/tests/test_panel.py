"""The "Plain language" panel in the ArticlePage editor (server-rendered, works without JavaScript)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, Page

from otwarta.portal.models import ArticlePage
from otwarta.readability.panels import ReadabilityPanel

pytestmark = pytest.mark.django_db

ARTICLE_PATH = "/pl/instytucje/urzad/karta-pobytu/"
DRAFT_SUMMARY = (
    "Ta strona wyjaśnia krok po kroku, jak cudzoziemiec mieszkający w Małopolsce może złożyć wniosek "
    "o zezwolenie na pobyt czasowy i jakie dokumenty musi przygotować wcześniej."
)  # 25 words


def article() -> ArticlePage:
    site_root = Page.objects.get(url_path="/home/", locale__language_code="pl")
    page = Page.objects.descendant_of(site_root).get(url_path="/home/instytucje/urzad/karta-pobytu/")
    assert page.get_url() == ARTICLE_PATH
    return page.specific


def logged_in(username: str, language: str | None = None) -> Client:
    user = get_user_model().objects.get(username=username)
    if language:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    client = Client()
    client.force_login(user)
    return client


def panel_html(html: str) -> str:
    start = html.index("data-readability-panel")
    return html[html.rindex("<section", 0, start) : html.index("</section>", start)]


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-readability-figure="{name}">([^<]*)<', html)
    assert match, f"figure {name} missing"
    return match.group(1).strip()


def test_article_edit_interface_has_the_panel() -> None:
    panels = ArticlePage.get_edit_handler().children[0].children  # the content tab
    assert any(isinstance(panel, ReadabilityPanel) for panel in panels)


def test_editor_sees_the_analysis_of_the_saved_draft(portal) -> None:  # type: ignore[no-untyped-def]
    page = article()
    live_summary = page.summary
    page.summary = DRAFT_SUMMARY
    page.save_revision(user=get_user_model().objects.get(username="urzad-editor"))
    assert ArticlePage.objects.get(pk=page.pk).summary == live_summary  # the draft is not published

    response = logged_in("urzad-editor", "en").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = panel_html(response.content.decode())
    assert 'data-readability-language="pl"' in html
    assert f'data-readability-url="{reverse("readability:analyse")}"' in html
    # The draft's summary is listed as too long, with its length, as written (no JavaScript needed).
    assert "Sentences that are too long (over 20 words)" in html
    assert f"{DRAFT_SUMMARY} <span class=\"readability__count\">(25 words)</span>" in html
    assert "Try splitting them" in html or "Try splitting it" in html
    assert live_summary not in html
    assert figure(html, "longest-sentence") == "25 words"
    assert "FOG-PL index" in html
    assert "Checked: the last saved version." in html


def test_panel_figures_match_the_test_article(portal) -> None:  # type: ignore[no-untyped-def]
    from otwarta.readability.services import analyse, text_from_page

    page = article()
    expected = analyse(text_from_page(page), "pl")
    response = logged_in("urzad-editor", "en").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = panel_html(response.content.decode())
    assert figure(html, "sentences") == str(expected.sentences)
    assert figure(html, "words") == str(expected.words)
    assert expected.index is not None
    assert figure(html, "index") == f"{expected.index.value:.1f}"
    assert f'data-readability-verdict="{expected.verdict}"' in html
    assert expected.words > 20  # the article's text really was read


def test_panel_speaks_the_editor_interface_language(portal) -> None:  # type: ignore[no-untyped-def]
    page = article()
    response = logged_in("urzad-editor", "pl").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    html = panel_html(response.content.decode())
    assert "Prosty język" in html
    assert "Zdania, które są za długie (ponad 20 słów)" in html


def test_panel_assets_are_files_not_inline_code(portal) -> None:  # type: ignore[no-untyped-def]
    page = article()
    html = logged_in("urzad-editor").get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert '<script src="/static/readability/readability-panel.js"' in html
    assert 'href="/static/readability/readability-panel.css"' in html
    panel = panel_html(html)
    assert "<script" not in panel
    assert "style=" not in panel
    assert re.search(r"\son[a-z]+=", panel) is None


def test_translation_is_checked_in_its_own_language(portal) -> None:  # type: ignore[no-untyped-def]
    page = article().get_translation(Locale.objects.get(language_code="uk"))
    response = logged_in("admin", "en").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = panel_html(response.content.decode())
    assert 'data-readability-language="uk"' in html
    assert "Flesch Reading Ease, adapted for Russian (Oborneva)" in html
    assert "the Russian adaptation is used as an approximation" in html


def test_language_without_an_index_is_labelled(portal) -> None:  # type: ignore[no-untyped-def]
    page = article().get_translation(Locale.objects.get(language_code="ka"))
    html = panel_html(logged_in("admin", "en").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
                      .content.decode())
    assert 'data-readability-verdict="none"' in html
    assert "There is no readability index for Georgian" in html
    assert 'data-readability-figure="index"' not in html


def test_new_article_shows_an_empty_panel(portal) -> None:  # type: ignore[no-untyped-def]
    parent = article().get_parent()
    response = logged_in("urzad-editor", "en").get(
        reverse("wagtailadmin_pages:add", args=["portal", "articlepage", parent.pk])
    )
    assert response.status_code == 200
    html = panel_html(response.content.decode())
    assert "There is no text to check yet." in html
    assert 'data-readability-language="pl"' in html
