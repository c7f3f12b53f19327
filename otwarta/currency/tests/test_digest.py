"""The weekly digest: who gets it, what it says, in which language, through which backend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from freezegun import freeze_time
from wagtail.users.models import UserProfile

from otwarta.currency import digest
from otwarta.currency.models import ExternalLink
from otwarta.currency.tasks import send_review_digest

from .conftest import KARTA, PESEL, make_due, source

TODAY = dt.date(2026, 6, 1)
KARTA_TITLE = "Karta pobytu czasowego"
PESEL_TITLE = "Numer PESEL dla obywateli Ukrainy"
URZAD = {"urzad-editor@example.org", "urzad-moderator@example.org"}
FUNDACJA = {"fundacja-editor@example.org", "fundacja-moderator@example.org"}

pytestmark = pytest.mark.usefixtures("portal")


def _by_recipient(outbox) -> dict[str, object]:  # type: ignore[no-untyped-def]
    result = {}
    for message in outbox:
        assert len(message.to) == 1
        result[message.to[0]] = message
    return result


def _html(message) -> str:  # type: ignore[no-untyped-def]
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


@freeze_time("2026-06-01 07:00:00")
def test_each_editor_and_moderator_gets_their_institutions_pages(mailoutbox):
    make_due(KARTA, TODAY, days_overdue=3)
    make_due(PESEL, TODAY, days_overdue=40)
    report = digest.send_digests()

    mails = _by_recipient(mailoutbox)
    assert set(mails) == URZAD | FUNDACJA  # not the regional team, not the superuser
    assert report.as_dict() == {"sent": 4, "skipped": 0, "failed": 0}
    for address in URZAD:
        text, html = mails[address].body, _html(mails[address])
        assert KARTA_TITLE in text and KARTA_TITLE in html
        assert PESEL_TITLE not in text and PESEL_TITLE not in html
        edit = f"https://otwarta.example.org/admin/pages/{source(KARTA).pk}/edit/"
        assert edit in text and f'href="{edit}"' in html
        assert f"https://otwarta.example.org/admin/currency/check/{source(KARTA).pk}/" in text
        assert "en, ka, uk" in text
    for address in FUNDACJA:
        assert PESEL_TITLE in mails[address].body and KARTA_TITLE not in mails[address].body


@freeze_time("2026-06-01 07:00:00")
def test_nothing_is_sent_to_people_with_nothing_due(mailoutbox):
    make_due(KARTA, TODAY, days_overdue=0)  # due today: "due soon"
    make_due(PESEL, TODAY, days_overdue=-60)  # current
    report = digest.send_digests()
    assert set(_by_recipient(mailoutbox)) == URZAD
    assert sorted(report.skipped) == ["fundacja-editor", "fundacja-moderator"]

    mailoutbox.clear()
    make_due(KARTA, TODAY, days_overdue=-15)  # one day before "due soon"
    assert digest.send_digests().as_dict() == {"sent": 0, "skipped": 4, "failed": 0}
    assert mailoutbox == []


@freeze_time("2026-06-01 07:00:00")
def test_inactive_users_and_users_without_address_get_nothing(mailoutbox, user):
    make_due(KARTA, TODAY, days_overdue=3)
    moderator = user("urzad-moderator")
    moderator.email = ""
    moderator.save()
    editor = user("urzad-editor")
    editor.is_active = False
    editor.save()
    digest.send_digests()
    assert mailoutbox == []


@freeze_time("2026-06-01 07:00:00")
def test_digest_is_written_in_the_users_admin_language(mailoutbox, user):
    make_due(KARTA, TODAY, days_overdue=3)  # due on 2026-05-29
    profile = UserProfile.get_for_user(user("urzad-editor"))
    profile.preferred_language = "en"
    profile.save()
    digest.send_digests()
    mails = _by_recipient(mailoutbox)
    english, polish = mails["urzad-editor@example.org"], mails["urzad-moderator@example.org"]
    assert "May 29, 2026" in english.body and "1 page to check" in english.subject
    assert "29 maja 2026" in polish.body  # no preference: the site's language (Polish)
    assert "May 29, 2026" not in polish.body


@freeze_time("2026-06-01 07:00:00")
def test_digest_mentions_broken_links(mailoutbox):
    make_due(KARTA, TODAY, days_overdue=3)
    ExternalLink.objects.create(page=source(KARTA), url="https://urzad.example.org/x", broken=True, status_code=404)
    digest.send_digests()
    for message in mailoutbox:
        assert "https://otwarta.example.org/admin/currency/broken-links/" in message.body


@freeze_time("2026-06-01 07:00:00")
def test_task_and_command_send_through_the_queue(mailoutbox):
    make_due(PESEL, TODAY, days_overdue=40)
    result = send_review_digest.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sent": 2, "skipped": 2, "failed": 0}
    assert len(mailoutbox) == 2

    mailoutbox.clear()
    call_command("send_review_digest")
    assert {m.to[0] for m in mailoutbox} == FUNDACJA


@freeze_time("2026-06-01 07:00:00")
def test_email_backend_comes_from_settings(settings, tmp_path, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    make_due(PESEL, TODAY, days_overdue=40)
    digest.send_digests()
    assert mailoutbox == []
    written = "".join(path.read_text(encoding="utf-8", errors="replace") for path in tmp_path.iterdir())
    assert "fundacja-editor@example.org" in written and "fundacja-moderator@example.org" in written


@freeze_time("2026-06-01 07:00:00")
def test_a_failing_address_does_not_stop_the_others(mailoutbox, monkeypatch):
    make_due(KARTA, TODAY, days_overdue=3)
    real_send = digest.EmailMultiAlternatives.send

    def send(self, fail_silently=False):  # type: ignore[no-untyped-def]
        if self.to == ["urzad-editor@example.org"]:
            raise ConnectionRefusedError("smtp down for this one")
        return real_send(self, fail_silently)

    monkeypatch.setattr(digest.EmailMultiAlternatives, "send", send)
    report = digest.send_digests()
    assert report.failed == ["urzad-editor"]
    assert [m.to for m in mailoutbox] == [["urzad-moderator@example.org"]]
