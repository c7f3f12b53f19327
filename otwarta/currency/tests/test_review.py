"""Review states computed in the database match the model's, at every boundary; lists show source pages
with their translations, most urgent first; readers see the notice only when a page is stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from otwarta.currency.services import (
    attach_translations,
    institution_pages_to_check,
    pages_to_check,
    review_queryset,
)
from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage, ReviewState

from .conftest import KARTA, PESEL, make_due, set_review, source

REVIEWED = dt.date(2026, 1, 1)  # with a 30-day interval the check is due on 2026-01-31
DUE = REVIEWED + dt.timedelta(days=30)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - dt.timedelta(days=15), ReviewState.CURRENT),
        (DUE - dt.timedelta(days=14), ReviewState.DUE_SOON),  # first day of "due soon"
        (DUE, ReviewState.DUE_SOON),  # the due date itself
        (DUE + dt.timedelta(days=1), ReviewState.OVERDUE),  # the day after
        (DUE + dt.timedelta(days=30), ReviewState.OVERDUE),  # last day of the grace period
        (DUE + dt.timedelta(days=31), ReviewState.STALE),  # readers are warned from here on
    ],
)
def test_review_state_boundaries_in_python_and_sql(portal, today, expected):
    set_review(KARTA, REVIEWED, 30)
    page = source(KARTA)
    assert page.review_due_on == DUE
    assert page.review_state(today) == expected
    annotated = review_queryset(states=None, today=today).get(pk=page.pk)
    assert annotated.due_on == DUE
    assert annotated.review_status == expected.value


def test_default_today_is_the_local_date(portal):
    set_review(KARTA, REVIEWED, 30)
    with freeze_time("2026-03-03 12:00:00"):  # DUE + 31 days
        assert source(KARTA).review_state() == ReviewState.STALE
        assert review_queryset(states=None).get(pk=source(KARTA).pk).review_status == ReviewState.STALE
    with freeze_time("2026-02-01 12:00:00"):
        assert review_queryset(states=None).get(pk=source(KARTA).pk).review_status == ReviewState.OVERDUE


def test_lists_are_source_pages_with_their_translations(portal, user):
    today = dt.date(2026, 6, 1)
    make_due(KARTA, today, days_overdue=3)
    make_due(PESEL, today, days_overdue=40)
    pages = attach_translations(review_queryset(user=user("region"), today=today))
    assert [p.slug for p in pages] == [PESEL, KARTA]  # most overdue first
    assert {p.locale.language_code for p in pages} == {"pl"}
    karta = pages[1]
    assert karta.translation_codes == ["en", "ka", "uk"]
    assert karta.translation_count == 3
    assert pages[0].translation_codes == ["en"]
    assert [p.review_status for p in pages] == [ReviewState.STALE, ReviewState.OVERDUE]


def test_current_pages_are_not_listed(portal, user):
    today = dt.date(2026, 6, 1)
    make_due(KARTA, today, days_overdue=-30)  # due in a month
    make_due(PESEL, today, days_overdue=-5)  # due in five days
    assert [p.slug for p in review_queryset(user=user("region"), today=today)] == [PESEL]


def test_lists_per_user_and_per_institution(portal, user):
    today = dt.date(2026, 6, 1)
    make_due(KARTA, today, days_overdue=1)
    make_due(PESEL, today, days_overdue=1)
    assert [p.slug for p in pages_to_check(user("urzad-editor"), today)] == [KARTA]
    assert [p.slug for p in pages_to_check(user("urzad-moderator"), today)] == [KARTA]
    assert [p.slug for p in pages_to_check(user("fundacja-editor"), today)] == [PESEL]
    assert {p.slug for p in pages_to_check(user("region"), today)} == {KARTA, PESEL}
    assert {p.slug for p in pages_to_check(user("admin"), today)} == {KARTA, PESEL}
    fundacja = Institution.objects.get(slug="fundacja")
    assert [p.slug for p in institution_pages_to_check(fundacja, today)] == [PESEL]


def test_unpublished_pages_are_not_listed(portal, user):
    today = dt.date(2026, 6, 1)
    make_due(PESEL, today, days_overdue=1)
    source(PESEL).unpublish()
    # The Polish page is gone but its English translation is still read: it is listed in its place.
    assert [p.locale.language_code for p in pages_to_check(user("fundacja-editor"), today)] == ["en"]
    ArticlePage.objects.get(slug=PESEL, locale__language_code="en").unpublish()
    assert list(pages_to_check(user("fundacja-editor"), today)) == []


def test_the_list_is_one_query_whatever_the_number_of_pages(portal):
    today = dt.date(2026, 6, 1)
    make_due(KARTA, today, days_overdue=1)
    make_due(PESEL, today, days_overdue=1)
    institutions = list(Institution.objects.all())
    with CaptureQueriesContext(connection) as queries:
        pages = list(review_queryset(institutions=institutions, today=today))
    assert len(pages) == 2
    article_queries = [q["sql"] for q in queries.captured_queries if "portal_articlepage" in q["sql"]]
    assert len(article_queries) == 1  # states, due dates and translation counts in one SELECT
    with CaptureQueriesContext(connection) as queries:
        attach_translations(pages)
    assert len(queries) == 1


# --- translations share the review dates -------------------------------------------------------


def test_wagtail_localize_synchronises_review_dates_into_translations(portal):
    """last_reviewed_at and review_interval_days are synchronised (not translated) fields: updating a
    translation from its source copies them."""
    from wagtail.models import Locale
    from wagtail_localize.fields import SynchronizedField, get_translatable_fields
    from wagtail_localize.models import TranslationSource

    fields = {f.field_name: f for f in get_translatable_fields(ArticlePage)}
    assert isinstance(fields["last_reviewed_at"], SynchronizedField)
    assert isinstance(fields["review_interval_days"], SynchronizedField)

    page = source(PESEL)
    translation_source, _created = TranslationSource.get_or_create_from_instance(page)
    english = ArticlePage.objects.get(translation_key=page.translation_key, locale__language_code="en")
    ArticlePage.objects.filter(pk=english.pk).update(last_reviewed_at=dt.date(2020, 1, 1), review_interval_days=7)

    page.last_reviewed_at = dt.date(2026, 2, 2)
    page.review_interval_days = 60
    page.save_revision().publish()
    translation_source.update_from_db()
    translation_source.create_or_update_translation(Locale.objects.get(language_code="en"), fallback=True)

    english.refresh_from_db()
    assert english.last_reviewed_at == dt.date(2026, 2, 2)
    assert english.review_interval_days == 60


# --- what readers see ----------------------------------------------------------------------------

PESEL_PL = "/pl/instytucje/fundacja/pesel/"
PESEL_EN = "/en/instytucje/fundacja/pesel/"


def test_reader_notice_only_when_stale(client, portal):
    today = dt.date(2026, 6, 1)
    with freeze_time("2026-06-01 10:00:00"):
        make_due(PESEL, today, days_overdue=31)
        for url in (PESEL_PL, PESEL_EN):
            html = client.get(url).content.decode()
            assert "notice-stale" in html, url

        make_due(PESEL, today, days_overdue=30)  # overdue, still in the grace period
        for url in (PESEL_PL, PESEL_EN):
            html = client.get(url).content.decode()
            assert "notice-stale" not in html, url

        make_due(PESEL, today, days_overdue=-100)
        html = client.get(PESEL_PL).content.decode()
        assert "notice-stale" not in html


def test_reader_sees_checked_on_date_and_institution(client, portal):
    set_review(PESEL, dt.date(2026, 5, 4), 180)
    with freeze_time("2026-06-01 10:00:00"):
        html = client.get("/en/instytucje/fundacja/pesel/").content.decode()
    assert "Checked on" in html and "Fundacja Testowa" in html
    assert "May 4, 2026" in html
