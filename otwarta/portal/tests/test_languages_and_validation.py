"""Adding a language is configuration; editors get validation messages in their own language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from otwarta.institutions.tests.utils import article_form_data
from otwarta.portal.models import ArticlePage

ROOT = Path(__file__).resolve().parents[3]


def test_configured_language_gets_its_locale_on_migrate(db, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "français")]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    assert not Locale.objects.filter(language_code="fr").exists()
    call_command("migrate", "portal", verbosity=0)
    assert Locale.objects.filter(language_code="fr").exists()


def test_language_list_comes_from_the_environment():
    env = {**os.environ, "OTWARTA_LANGUAGES": "pl,en,ar", "DJANGO_SETTINGS_MODULE": "otwarta.settings"}
    code = ("import django; django.setup(); from django.conf import settings; "
            "from otwarta.core.languages import direction; "
            "print(settings.LANGUAGES, direction('ar'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "('ar', 'العربيّة')" in out and out.strip().endswith("rtl")


def test_source_language_must_come_first():
    env = {**os.environ, "OTWARTA_LANGUAGES": "en,pl", "DJANGO_SETTINGS_MODULE": "otwarta.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "must start with the source locale" in result.stderr


@pytest.mark.parametrize(("language", "expected"), [("uk", "Виберіть від 7 до 730 днів."),
                                                    ("pl", "Wybierz od 7 do 730 dni.")])
def test_editor_validation_message_in_editors_language(client, portal, language, expected):
    """The article form refuses an impossible review interval, in the editor's admin language, and keeps
    what was typed."""
    call_command("compile_translations", verbosity=0)
    user = get_user_model().objects.get(username="urzad-editor")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    page = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    edit_url = f"/admin/pages/{page.pk}/edit/"
    payload = article_form_data(page, summary="Zmieniony skrót, który ma zostać.", review_interval_days=5000)
    response = client.post(edit_url, payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert "Zmieniony skrót, który ma zostać." in html
