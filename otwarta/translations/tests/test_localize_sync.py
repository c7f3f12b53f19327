"""Synced (wagtail-localize) translations: publishing records a sync whose origin follows the strings used."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation

from otwarta.portal.models import ArticlePage
from otwarta.translations import services
from otwarta.translations.models import TranslationStatus

PESEL = "/home/instytucje/fundacja/pesel/"


def fill(translation, kind: str) -> None:  # type: ignore[no-untyped-def]
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string", "context"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string, locale=translation.target_locale, context=segment.context,
            defaults={"data": f"[{kind}] {segment.string.data}", "translation_type": kind},
        )


def test_machine_strings_make_a_machine_translation_and_manual_edits_a_human_one(
        portal, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    # wagtail-localize publishes on commit
    page = ArticlePage.objects.get(url_path=PESEL, locale__language_code="pl")
    russian = Locale.objects.get(language_code="ru")
    translation = services.ensure_translation(page, russian)
    assert translation.enabled and services.ensure_translation(page, russian).pk == translation.pk
    fill(translation, StringTranslation.TRANSLATION_TYPE_MACHINE)
    translation.save_target(publish=False)
    assert services.status_of(page, russian) == TranslationStatus.IN_PROGRESS
    with freeze_time(timezone.now() + dt.timedelta(minutes=5)), django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    assert services.status_of(page, russian) == TranslationStatus.MACHINE
    fill(translation, StringTranslation.TRANSLATION_TYPE_MANUAL)
    with freeze_time(timezone.now() + dt.timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    assert services.status_of(page, russian) == TranslationStatus.TRANSLATED
    assert "[manual]" in page.get_translation(russian).title
