"""Translation status from publications, syncs and reviews, computed in SQL; minor changes; counts and rows
with a bounded number of queries."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Locale

from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish, translate_page
from otwarta.translations import services
from otwarta.translations.models import Origin, TranslationStatus

S = TranslationStatus
KARTA = "/home/instytucje/urzad/karta-pobytu/"
PESEL = "/home/instytucje/fundacja/pesel/"


def source(url_path: str) -> ArticlePage:
    return ArticlePage.objects.get(url_path=url_path, locale__language_code="pl")


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def later(minutes: int = 10) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def edit_and_publish(page: ArticlePage, minor: bool = False, when: dt.datetime | None = None) -> ArticlePage:
    page.summary = page.summary + " (zmiana)"
    page.minor_change = minor
    with freeze_time(when or later()):
        return publish(page)


def test_initial_statuses(portal):
    page = source(KARTA)
    assert services.status_of(page, locale("en")) == S.TRANSLATED
    assert services.status_of(page, locale("uk")) == S.TRANSLATED
    assert services.status_of(page, locale("ru")) == S.MISSING
    assert services.status_of(source(PESEL), locale("uk")) == S.MISSING


def test_status_of_a_translation_is_that_of_its_locale(portal):
    english = source(KARTA).get_translation(locale("en"))
    assert services.status_of(english, locale("en")) == S.TRANSLATED
    assert services.status_of(english, locale("ru")) == S.MISSING


def test_significant_source_change_makes_translations_outdated(portal):
    edit_and_publish(source(KARTA))
    assert services.status_of(source(KARTA), locale("en")) == S.OUTDATED
    assert services.status_of(source(KARTA), locale("ru")) == S.MISSING  # missing stays missing


def test_minor_source_change_keeps_translations_current(portal):
    edit_and_publish(source(KARTA), minor=True)
    assert services.status_of(source(KARTA), locale("en")) == S.TRANSLATED


def test_publishing_the_translation_brings_it_up_to_date(portal):
    edit_and_publish(source(KARTA), when=later(10))
    english = source(KARTA).get_translation(locale("en")).specific
    edit_and_publish(english, when=later(20))
    assert services.status_of(source(KARTA), locale("en")) == S.TRANSLATED


def test_minor_change_of_a_translation_does_not_bring_it_up_to_date(portal):
    edit_and_publish(source(KARTA), when=later(10))
    english = source(KARTA).get_translation(locale("en")).specific
    edit_and_publish(english, minor=True, when=later(20))
    assert services.status_of(source(KARTA), locale("en")) == S.OUTDATED


def test_review_then_source_change(portal):
    english = source(KARTA).get_translation(locale("en"))
    reviewer = get_user_model().objects.get(username="region")
    with freeze_time(later(5)):
        record = services.mark_reviewed(english, reviewer)
    assert record.reviewed_by == reviewer
    assert services.status_of(source(KARTA), locale("en")) == S.REVIEWED
    edit_and_publish(source(KARTA), when=later(10))
    assert services.status_of(source(KARTA), locale("en")) == S.OUTDATED
    with freeze_time(later(15)):
        services.mark_reviewed(english, reviewer)  # the reviewer confirms it still says the same
    assert services.status_of(source(KARTA), locale("en")) == S.REVIEWED


def test_machine_sync_and_a_new_sync_clears_review(portal):
    english = source(KARTA).get_translation(locale("en"))
    with freeze_time(later(5)):
        services.record_sync(english, origin=Origin.MACHINE)
    assert services.status_of(source(KARTA), locale("en")) == S.MACHINE
    services.mark_reviewed(english, None)
    assert services.status_of(source(KARTA), locale("en")) == S.REVIEWED
    services.record_sync(english, origin=Origin.HUMAN)
    assert services.status_of(source(KARTA), locale("en")) == S.TRANSLATED


def test_unpublished_translation_is_in_progress(portal):
    page = source(PESEL)
    russian = page.copy_for_translation(locale("ru"))
    assert not russian.live
    assert services.status_of(page, locale("ru")) == S.IN_PROGRESS
    publish(russian.specific)
    assert services.status_of(page, locale("ru")) == S.TRANSLATED


def test_without_records_publication_dates_decide(portal):
    """Content that predates the records: the source's and translation's publication dates stand in."""
    from otwarta.translations.models import SourceVersion, TranslationRecord

    SourceVersion.objects.all().delete()
    TranslationRecord.objects.all().delete()
    assert services.status_of(source(KARTA), locale("en")) == S.TRANSLATED
    ArticlePage.objects.filter(pk=source(KARTA).pk).update(last_published_at=later(60))
    assert services.status_of(source(KARTA), locale("en")) == S.OUTDATED


def test_counts_and_rows_agree_and_take_a_fixed_number_of_queries(portal):
    edit_and_publish(source(KARTA))
    locales = services.target_locales()
    with CaptureQueriesContext(connection) as queries:
        counts = services.status_counts(locales)
    assert len(queries) <= len(locales) * 2 + 2
    assert counts["en"][S.OUTDATED] == 1
    assert counts["ru"][S.MISSING] >= 2  # neither article is in Russian
    rows = list(services.status_rows(locales))
    total = sum(sum(per.values()) for per in counts.values())
    assert len(rows) == total
    statuses = {(row[0], row[4]): row[2] for row in rows}
    assert statuses[(source(KARTA).pk, "en")] == S.OUTDATED
    assert statuses[(source(KARTA).pk, "ru")] == S.MISSING


def test_institution_filter(portal):
    urzad = Institution.objects.get(slug="urzad")
    rows = list(services.status_rows([locale("uk")], institution=urzad))
    pks = {row[0] for row in rows}
    assert source(KARTA).pk in pks
    assert source(PESEL).pk not in pks
    counts = services.status_counts([locale("uk")], institution=urzad)
    assert sum(counts["uk"].values()) == len(rows)


def test_status_filter(portal):
    rows = list(services.status_rows([locale("uk")], status=S.TRANSLATED))
    assert rows and {row[2] for row in rows} == {S.TRANSLATED}


def test_translate_page_records_a_human_sync(portal):
    page = source(PESEL)
    with freeze_time(later(5)):
        translate_page(page, "ru", {"title": "ПЕСЕЛЬ"})
    assert services.status_of(page, locale("ru")) == S.TRANSLATED
