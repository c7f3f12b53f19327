"""Fixtures of the review tests: mail and tasks in-process, users by name, translators per language."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from otwarta.portal.models import ArticlePage
from otwarta.review.roles import translator_group

KARTA = "karta-pobytu"  # urzad, translated into en, uk, ka
PESEL = "pesel"  # fundacja, translated into en


@pytest.fixture(autouse=True)
def _test_database(db):  # type: ignore[no-untyped-def]
    """Depend on ``db`` statically (see otwarta/currency/tests/conftest.py)."""


@pytest.fixture(autouse=True)
def _review_settings(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.WAGTAILADMIN_BASE_URL = "https://otwarta.example.org"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages are checked in English, whatever the catalogues hold (tests run with LANGUAGE_CODE pl)."""
    with translation.override("en"):
        yield


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


def make_translator(username: str, code: str, language: str = "") -> Any:
    """A user in the translator group of ``code``, with ``language`` as their admin language."""
    person = get_user_model().objects.create_user(username=username, email=f"{username}@example.org",
                                                  password="not-used-here-123", first_name=username.title())
    group = translator_group(Locale.objects.get(language_code=code))
    assert group is not None
    person.groups.add(group)
    if language:
        profile = UserProfile.get_for_user(person)
        profile.preferred_language = language
        profile.save()
    return person


@pytest.fixture
def translator(portal):  # type: ignore[no-untyped-def]
    """``tr-uk`` (admin in Ukrainian) translates into Ukrainian; ``tr-en`` (admin in English) into English."""
    return {"uk": make_translator("tr-uk", "uk", "uk"), "en": make_translator("tr-en", "en", "en")}


def page(slug: str, code: str = "pl") -> ArticlePage:
    return ArticlePage.objects.get(slug=slug, locale__language_code=code)
