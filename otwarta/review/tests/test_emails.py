"""E-mails about tasks: who gets which, in their admin language, sent after the change is committed."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from otwarta.review import services
from otwarta.review.models import TaskAction, TaskState
from otwarta.review.notifications import send_for_event
from otwarta.review.tasks import send_task_notification

from .conftest import KARTA, page

A = TaskAction


def create(translator, creator, code="uk", **kwargs):  # type: ignore[no-untyped-def]
    return services.create_task(source=page(KARTA), locale=Locale.objects.get(language_code=code),
                                assignee=translator, user=creator, **kwargs)


def move(task, action, user, comment=""):  # type: ignore[no-untyped-def]
    task.refresh_from_db()
    return services.transition(task, action, user, expected_version=task.version, comment=comment)


def test_nothing_is_sent_before_the_change_is_committed(portal, user, translator):
    create(translator["uk"], user("urzad-editor"))
    assert mail.outbox == []


def test_assignment_mails_the_translator_in_their_language(portal, user, translator,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = create(translator["uk"], user("urzad-editor"), instructions="Use the glossary.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tr-uk@example.org"]
    # The recipient's admin language is Ukrainian: the language is named in Ukrainian.
    assert message.subject.endswith("(Українська)")
    assert page(KARTA).title in message.subject
    assert f"https://otwarta.example.org/admin/translation-tasks/{task.pk}/" in message.body
    assert "Use the glossary." in message.body
    assert "Українська" in message.body
    edit_url = f"https://otwarta.example.org/admin/pages/{page(KARTA, 'uk').pk}/edit/"
    assert edit_url in message.body
    assert "&quot;" not in message.body and "&#x27;" not in message.body  # plain text, not HTML-escaped


def test_english_translator_gets_english(portal, user, translator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create(translator["en"], user("urzad-editor"), code="en")
    assert mail.outbox[0].subject == f"New translation task: {page(KARTA).title} (English)"
    assert mail.outbox[0].body.startswith("Hello Tr-En,")


def test_each_event_mails_the_right_person(portal, user, translator, django_capture_on_commit_callbacks):
    coordinator = user("urzad-editor")  # no preferred language: Polish, the site's language
    moderator = user("urzad-moderator")
    with django_capture_on_commit_callbacks(execute=True):
        task = create(translator["en"], coordinator, code="en")
    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.START, translator["en"])
    assert len(mail.outbox) == 1  # starting work tells nobody

    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.SUBMIT, translator["en"])
    submitted = mail.outbox[-1]
    assert submitted.to == ["urzad-editor@example.org"]
    assert submitted.subject.endswith("(angielski)")

    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.REQUEST_CHANGES, moderator, comment="Please translate the table too.")
    changes = mail.outbox[-1]
    assert changes.to == ["tr-en@example.org"]
    assert changes.subject.startswith("Changes requested: ")
    assert "Please translate the table too." in changes.body

    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.START, translator["en"])
        move(task, A.SUBMIT, translator["en"])
    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.ACCEPT, moderator)
    accepted = mail.outbox[-1]
    assert accepted.to == ["tr-en@example.org"]
    assert accepted.subject.startswith("Translation accepted: ")
    assert [m.to[0] for m in mail.outbox] == [
        "tr-en@example.org", "urzad-editor@example.org", "tr-en@example.org", "urzad-editor@example.org",
        "tr-en@example.org"]


def test_cancelling_mails_nobody(portal, user, translator, django_capture_on_commit_callbacks):
    task = create(translator["uk"], user("urzad-editor"))
    with django_capture_on_commit_callbacks(execute=True):
        move(task, A.CANCEL, user("region"))
    assert mail.outbox == []
    task.refresh_from_db()
    assert task.state == TaskState.CANCELLED


@pytest.mark.parametrize("language", ["pl", "uk", "ru", "be", "ka", "en"])
def test_the_language_follows_the_profile(portal, user, translator, language, django_capture_on_commit_callbacks):
    profile = UserProfile.get_for_user(translator["uk"])
    profile.preferred_language = language
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        create(translator["uk"], user("urzad-editor"))
    expected = {"pl": "ukraiński", "uk": "Українська", "ru": "Украинский", "be": "Украінская",
                "ka": "უკრაინული", "en": "Ukrainian"}[language]
    assert mail.outbox[0].subject.endswith(f"({expected})")


def test_no_mail_without_an_address_or_to_oneself(portal, user, translator, django_capture_on_commit_callbacks):
    translator["uk"].email = ""
    translator["uk"].save()
    with django_capture_on_commit_callbacks(execute=True):
        task = create(translator["uk"], user("urzad-editor"))
    assert mail.outbox == []
    event = task.events.get()
    assert send_for_event(event.pk) == "skipped: no recipient"
    # A coordinator who is the task's creator and submits nothing themselves gets nothing for their own act.
    event.task.assignee = user("urzad-editor")
    event.task.save()
    assert send_for_event(event.pk) == "skipped: the recipient did it"


def test_mail_goes_through_the_task_queue(portal, user, translator, settings, django_capture_on_commit_callbacks):
    """With a queue that only records (as the database queue does until a worker runs), the request sends
    nothing itself; the queued task then sends the e-mail."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        task = create(translator["uk"], user("urzad-editor"))
    assert mail.outbox == []
    [queued] = default_task_backend.results  # type: ignore[attr-defined]
    assert queued.task.name == "send_task_notification"
    assert queued.args == [task.events.get().pk]
    assert send_task_notification.call(*queued.args) == "sent"
    assert [m.to for m in mail.outbox] == [["tr-uk@example.org"]]
