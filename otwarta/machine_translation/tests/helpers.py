"""Shared helpers of the editor-integration tests."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Locale, Page

from otwarta.portal.models import ArticlePage, InstitutionPage
from otwarta.portal.services import publish


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(english(user(username)))
    return client


def english(person: Any) -> Any:
    """The admin in English, so the tests read its messages whatever the catalogues hold (Polish is the
    default admin language)."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(person)
    profile.preferred_language = "en"
    profile.save()
    return person


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def polish(slug: str) -> Page:
    return Page.objects.get(slug=slug, locale__language_code="pl").specific


def add_article(section_slug: str, slug: str, title: str, html: str, live: bool = True) -> ArticlePage:
    """A Polish article in an institution's section (its body: one rich text block)."""
    section = InstitutionPage.objects.get(slug=section_slug, locale__language_code="pl")
    page = ArticlePage(title=title, slug=slug, summary=f"{title}.", locale=section.locale, live=live,
                       body=json.dumps([{"type": "text", "value": html}]))
    section.add_child(instance=page)
    if live:
        publish(page)
    else:
        page.save_revision()
    return page


def assert_denied(response: Any) -> None:
    """Wagtail's admin turns PermissionDenied into a redirect to the dashboard with an error message (a 403
    for XMLHttpRequest); anonymous users are sent to the login page."""
    from django.urls import reverse

    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home"), response["Location"]


def assert_login_required(response: Any) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), response
