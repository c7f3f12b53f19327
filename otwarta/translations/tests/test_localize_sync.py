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


KARTA = "/home/instytucje/urzad/karta-pobytu/"


def test_list_items_of_loaded_content_are_offered_for_translation(portal):
    """Bodies loaded as plain JSON are stored in Wagtail's current list format (portal.normalised_body),
    so numbered steps, document lists and questions reach wagtail-localize's segments."""
    page = ArticlePage.objects.get(url_path=KARTA, locale__language_code="pl")
    translation = services.ensure_translation(page, Locale.objects.get(language_code="ru"))
    paths = list(StringSegment.objects.filter(source=translation.source).values_list("context__path", flat=True))
    list_block_types = {"steps", "documents", "questions"}
    kinds = {block.block_type for block in page.body}
    assert kinds & list_block_types, kinds
    assert any(".steps." in path or ".items." in path or ".questions." in path for path in paths), paths


def test_a_draft_of_a_live_synced_translation_leaves_what_readers_see(portal, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    page = ArticlePage.objects.get(url_path=PESEL, locale__language_code="pl")
    russian = Locale.objects.get(language_code="ru")
    translation = services.ensure_translation(page, russian)
    fill(translation, StringTranslation.TRANSLATION_TYPE_MANUAL)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_translation(translation, publish=True)
    live_title = page.get_translation(russian).title
    fill_with = "[second]"
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string", "context"):
        StringTranslation.objects.filter(translation_of=segment.string, locale=russian, context=segment.context).update(
            data=f"{fill_with} {segment.string.data}")
    draft = services.save_translation(translation)
    target = ArticlePage.objects.get(pk=draft.pk)
    assert target.live and target.title == live_title  # readers still see the published text
    assert target.has_unpublished_changes
    assert target.get_latest_revision_as_object().title.startswith(fill_with)


def test_exporting_for_an_agency_keeps_a_hand_written_translation(portal):
    page = ArticlePage.objects.get(url_path=KARTA, locale__language_code="pl")
    english = Locale.objects.get(language_code="en")
    translation = services.ensure_translation(page, english, enable=False)
    assert not translation.enabled
    assert not services.is_synced_translation(page.get_translation(english))
    assert services.ensure_translation(page, english).enabled  # importing makes it synced
