"""Helpers for the rights tests: the roles of the test portal, its pages, and admin form data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from otwarta.portal.models import ArticlePage, HomePage, InstitutionIndexPage, InstitutionPage, TopicPage

# Every role the issue names, plus an account in no group at all.
ROLES = ["anonymous", "nobody", "urzad-editor", "urzad-moderator", "fundacja-editor", "fundacja-moderator",
         "region", "admin"]
EVERY_INSTITUTION = frozenset({"urzad", "fundacja"})
# What each role should be able to do, by institution slug. Everything else must be refused.
ADMIN_ACCESS = {"urzad-editor", "urzad-moderator", "fundacja-editor", "fundacja-moderator", "region", "admin"}
EDITS: dict[str, frozenset[str]] = {
    "anonymous": frozenset(), "nobody": frozenset(),
    "urzad-editor": frozenset({"urzad"}), "urzad-moderator": frozenset({"urzad"}),
    "fundacja-editor": frozenset({"fundacja"}), "fundacja-moderator": frozenset({"fundacja"}),
    "region": EVERY_INSTITUTION, "admin": EVERY_INSTITUTION,
}
PUBLISHES: dict[str, frozenset[str]] = {
    "anonymous": frozenset(), "nobody": frozenset(),
    "urzad-editor": frozenset(), "urzad-moderator": frozenset({"urzad"}),
    "fundacja-editor": frozenset(), "fundacja-moderator": frozenset({"fundacja"}),
    "region": EVERY_INSTITUTION, "admin": EVERY_INSTITUTION,
}
MANAGES_SITE = {"region", "admin"}  # pages outside institutions, institutions, areas, users


def user_for(role: str) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    user_model = get_user_model()
    if role == "nobody":
        user, _created = user_model.objects.get_or_create(username="nobody", defaults={"email": "nobody@example.org"})
        return user
    return user_model.objects.get(username=role)


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(user_for(role))
    return client


def assert_denied(response: HttpResponse, url: str) -> None:
    """Wagtail answers a refused admin request with a redirect (to the dashboard with a message, or to the
    login form) or, for XHR, a 403; never with the page itself."""
    assert response.status_code in (302, 403), f"{url}: expected a refusal, got {response.status_code}"
    if response.status_code == 302:
        target = response["Location"].split("?")[0]
        assert target in ("/admin/", "/admin/login/"), f"{url}: redirected to {target}, not a refusal"


@dataclass
class Tree:
    home: HomePage
    topic: TopicPage
    index: InstitutionIndexPage
    sections: dict[tuple[str, str], InstitutionPage] = field(default_factory=dict)
    articles: dict[tuple[str, str], ArticlePage] = field(default_factory=dict)


def portal_tree() -> Tree:
    """The pages of the test portal, keyed by (institution slug, language code)."""
    tree = Tree(
        home=HomePage.objects.get(locale__language_code="pl"),
        topic=TopicPage.objects.get(slug="pobyt", locale__language_code="pl"),
        index=InstitutionIndexPage.objects.get(locale__language_code="pl"),
    )
    for section in InstitutionPage.objects.select_related("institution", "locale"):
        tree.sections[(section.institution.slug, section.locale.language_code)] = section
    for article in ArticlePage.objects.select_related("institution", "locale"):
        tree.articles[(article.institution.slug, article.locale.language_code)] = article
    return tree


def edit_url(page: Page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


def add_article_url(parent: Page) -> str:
    return f"/admin/pages/add/portal/articlepage/{parent.pk}/"


def article_form_data(page: ArticlePage | None = None, **changes: Any) -> dict[str, Any]:
    """POST data of the article editor: the page's own values (or a new article's), one text block."""
    values: dict[str, Any] = {
        "title": page.title if page else "Nowy artykuł",
        "slug": page.slug if page else "nowy-artykul",
        "summary": page.summary if page else "Krótko: czego czytelnik się dowie.",
        "topic": page.topic_id if page and page.topic_id else "",
        "body": streamfield([("text", rich_text("<p>Treść strony.</p>"))]),
        "last_reviewed_at": (page.last_reviewed_at if page else timezone.localdate()).isoformat(),
        "review_interval_days": page.review_interval_days if page else 180,
    }
    values.update(changes)
    return nested_form_data(values)


def section_form_data(page: InstitutionPage, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"title": page.title, "slug": page.slug, "institution": page.institution_id,
                              "intro": page.intro}
    values.update(changes)
    return nested_form_data(values)
