"""Marking a page as checked: who may, what changes (page, translations, revisions), the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time
from wagtail.models import PageLogEntry

from otwarta.currency.services import MARK_CHECKED_ACTION, can_mark_checked, mark_checked
from otwarta.portal.models import ArticlePage, TopicPage

from .conftest import KARTA, PESEL, set_review, source

OLD = dt.date(2025, 1, 10)
TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("username", "slug", "allowed"),
    [
        ("urzad-editor", KARTA, True),
        ("urzad-moderator", KARTA, True),
        ("fundacja-editor", KARTA, False),
        ("fundacja-moderator", KARTA, False),
        ("fundacja-editor", PESEL, True),
        ("urzad-editor", PESEL, False),
        ("region", KARTA, True),
        ("admin", PESEL, True),
    ],
)
def test_who_may_mark_as_checked(portal, user, username, slug, allowed):
    page = source(slug)
    assert can_mark_checked(page, user(username)) is allowed
    assert bool(page.permissions_for_user(user(username)).can_edit()) is allowed


def test_other_institution_cannot_mark_through_the_service_or_the_view(portal, user, client):
    set_review(KARTA, OLD)
    page = source(KARTA)
    with pytest.raises(PermissionDenied):
        mark_checked(page, user("fundacja-editor"))
    client.force_login(user("fundacja-editor"))
    url = reverse("otwarta_currency:mark_checked", args=[page.pk])
    # Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and an error message.
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert set(ArticlePage.objects.filter(translation_key=page.translation_key)
               .values_list("last_reviewed_at", flat=True)) == {OLD}
    assert not PageLogEntry.objects.filter(action=MARK_CHECKED_ACTION).exists()


def test_only_articles_can_be_marked(portal, user):
    topic = TopicPage.objects.filter(locale__language_code="pl").first()
    assert not can_mark_checked(topic, user("admin"))


@freeze_time("2026-06-01 09:00:00")
def test_editor_marks_page_and_translations_via_the_confirmation_view(portal, user, client):
    set_review(KARTA, OLD)
    page = source(KARTA)
    editor = user("urzad-editor")
    client.force_login(editor)
    url = reverse("otwarta_currency:mark_checked", args=[page.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert f'action="{url}" method="post"' in html
    assert source(KARTA).last_reviewed_at == OLD  # GET changes nothing

    response = client.post(url, {"next": reverse("wagtailadmin_home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")

    group = ArticlePage.objects.filter(translation_key=page.translation_key)
    assert group.count() == 4
    assert set(group.values_list("last_reviewed_at", flat=True)) == {TODAY}

    entries = PageLogEntry.objects.filter(action=MARK_CHECKED_ACTION)
    assert entries.count() == 4
    entry = entries.get(page=page)
    assert entry.user == editor
    # (plus the audit log's "_request": address and request id, otwarta.audit)
    assert {k: v for k, v in entry.data.items() if k != "_request"} == {
        "previous": OLD.isoformat(), "checked_on": TODAY.isoformat()}
    assert not entry.content_changed
    with translation.override("en"):
        assert entry.message == "Content checked and still correct (checked on 2026-06-01)"


@freeze_time("2026-06-01 09:00:00")
def test_marking_keeps_content_and_survives_the_next_edit(portal, user):
    set_review(PESEL, OLD)
    page = source(PESEL)
    revision_count = page.revisions.count()
    live_revision_id = page.live_revision_id
    body_before = list(page.body.raw_data)

    mark_checked(page, user("fundacja-editor"))

    page.refresh_from_db()
    assert page.last_reviewed_at == TODAY
    assert page.live  # still published, no moderation round
    assert page.revisions.count() == revision_count  # no new revision: the text did not change
    assert page.live_revision_id == live_revision_id
    assert list(page.body.raw_data) == body_before
    # The editor's next edit starts from the latest revision: it carries the new date.
    assert page.get_latest_revision_as_object().last_reviewed_at == TODAY
    assert page.live_revision.as_object().last_reviewed_at == TODAY
    # ...so publishing an unrelated change later does not bring the old date back.
    draft = page.get_latest_revision_as_object()
    draft.summary = "Nowe podsumowanie."
    draft.save_revision(user=user("fundacja-moderator")).publish()
    assert source(PESEL).last_reviewed_at == TODAY


def test_action_menu_and_header_button_offer_the_check(portal, user, client):
    page = source(KARTA)
    url = reverse("otwarta_currency:mark_checked", args=[page.pk])
    client.force_login(user("urzad-editor"))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert f'<a class="button" href="{url}?next=' in html  # the editor's action menu
    assert html.count(f'href="{url}?next=') >= 2  # ...and the page header's "more" menu
    # Pages of another institution: the editor cannot even open them, and the listing has no button.
    client.force_login(user("fundacja-editor"))
    listing = client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk])).content.decode()
    assert url not in listing
