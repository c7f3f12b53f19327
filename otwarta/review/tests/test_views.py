"""Admin views per role: the task list, assigning a task, a task's page and its actions, "Mark as reviewed",
the dashboard panel and the page header buttons."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile

from otwarta.review import services
from otwarta.review.models import TaskState, TranslationTask
from otwarta.review.wagtail_hooks import page_header_review_buttons
from otwarta.translations.models import TranslationStatus
from otwarta.translations.services import status_of

from .conftest import KARTA, PESEL, page

INDEX = "otwarta_review:index"


def english(person: Any) -> Any:
    """The admin in English, so the tests read the messages whatever the catalogues hold."""
    profile = UserProfile.get_for_user(person)
    profile.preferred_language = "en"
    profile.save()
    return person


def login(client: Any, person: Any) -> Any:
    client.force_login(english(person))
    return person


@pytest.fixture
def tasks(portal, user, translator):  # type: ignore[no-untyped-def]
    """urzad's karta-pobytu: uk for tr-uk, en for tr-en; fundacja's pesel: uk for tr-uk."""
    uk, en = Locale.objects.get(language_code="uk"), Locale.objects.get(language_code="en")
    return {
        "karta-uk": services.create_task(source=page(KARTA), locale=uk, assignee=translator["uk"],
                                         user=user("urzad-editor")),
        "karta-en": services.create_task(source=page(KARTA), locale=en, assignee=translator["en"],
                                         user=user("urzad-moderator")),
        "pesel-uk": services.create_task(source=page(PESEL), locale=uk, assignee=translator["uk"],
                                         user=user("fundacja-editor")),
    }


def listed(response: Any) -> set[int]:
    return {task.pk for task in response.context["object_list"]}


def denied(response: Any) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and an error message."""
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# --- anonymous ----------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_the_login(client, tasks):
    task = tasks["karta-uk"]
    for url in (reverse(INDEX), reverse("otwarta_review:create"), reverse("otwarta_review:detail", args=[task.pk]),
                reverse("otwarta_review:mark_reviewed", args=[page(KARTA, "uk").pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    response = client.post(reverse("otwarta_review:transition", args=[task.pk]),
                           {"action": "cancel", "version": 1})
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED


# --- the list -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("username", "expected"), [
    ("tr-uk", {"karta-uk", "pesel-uk"}),
    ("tr-en", {"karta-en"}),
    ("urzad-editor", {"karta-uk", "karta-en"}),
    ("fundacja-moderator", {"pesel-uk"}),
    ("region", {"karta-uk", "karta-en", "pesel-uk"}),
    ("admin", {"karta-uk", "karta-en", "pesel-uk"}),
])
def test_each_role_lists_only_its_tasks(client, user, tasks, username, expected):
    login(client, user(username))
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    assert listed(response) == {tasks[name].pk for name in expected}
    html = response.content.decode()
    for name in expected:
        assert reverse("otwarta_review:detail", args=[tasks[name].pk]) in html
    assert page(KARTA).title in html or page(PESEL).title in html


def test_filters(client, user, tasks, translator):
    login(client, user("region"))
    uk = Locale.objects.get(language_code="uk")
    assert listed(client.get(reverse(INDEX), {"locale": uk.pk})) == {tasks["karta-uk"].pk, tasks["pesel-uk"].pk}
    assert listed(client.get(reverse(INDEX), {"assignee": translator["en"].pk})) == {tasks["karta-en"].pk}
    services.transition(tasks["karta-en"], "cancel", user("region"), expected_version=1)
    assert listed(client.get(reverse(INDEX), {"state": "open"})) == {tasks["karta-uk"].pk, tasks["pesel-uk"].pk}
    assert listed(client.get(reverse(INDEX), {"state": "cancelled"})) == {tasks["karta-en"].pk}
    assert listed(client.get(reverse(INDEX), {"mine": "created"})) == set()
    login(client, translator["uk"])
    assert listed(client.get(reverse(INDEX), {"mine": "assigned"})) == {tasks["karta-uk"].pk, tasks["pesel-uk"].pk}


def test_people_without_translation_work_may_not_open_the_list(client, portal, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="not-used-here-123")
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    login(client, nobody)
    assert denied(client.get(reverse(INDEX)))


# --- a task -------------------------------------------------------------------------------------------
def test_other_institutions_editor_cannot_see_or_move_a_task(client, user, tasks):
    task = tasks["karta-uk"]
    login(client, user("fundacja-editor"))
    assert denied(client.get(reverse("otwarta_review:detail", args=[task.pk])))
    assert denied(client.post(reverse("otwarta_review:transition", args=[task.pk]),
                              {"action": "cancel", "version": task.version}))
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED


def test_other_translator_cannot_see_a_task(client, translator, tasks):
    login(client, translator["en"])
    assert denied(client.get(reverse("otwarta_review:detail", args=[tasks["karta-uk"].pk])))


def test_the_assignee_sees_the_task_with_its_links_and_buttons(client, translator, tasks):
    task = tasks["karta-uk"]
    login(client, translator["uk"])
    response = client.get(reverse("otwarta_review:detail", args=[task.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[page(KARTA, "uk").pk]) in html  # the translation's editor
    assert page(KARTA).url in html  # the Polish original as readers see it
    assert reverse("wagtailadmin_pages:edit", args=[page(KARTA).pk]) not in html  # not theirs to edit
    assert 'name="action" value="start"' in html
    assert 'name="action" value="cancel"' not in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="version" value="{task.version}"' in html


def test_the_coordinator_sees_the_source_editor_and_review_buttons(client, user, tasks):
    task = tasks["karta-uk"]
    TranslationTask.objects.filter(pk=task.pk).update(state=TaskState.SUBMITTED)
    login(client, user("urzad-moderator"))
    html = client.get(reverse("otwarta_review:detail", args=[task.pk])).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[page(KARTA).pk]) in html
    for action in ("accept", "request_changes", "cancel"):
        assert f'name="action" value="{action}"' in html
    assert 'name="action" value="start"' not in html


def test_transitions_through_the_view(client, user, translator, tasks):
    task = tasks["karta-uk"]
    url = reverse("otwarta_review:transition", args=[task.pk])
    login(client, translator["uk"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"action": "start", "version": 1})
    assert response.status_code == 302 and response["Location"] == reverse("otwarta_review:detail", args=[task.pk])
    response = client.post(url, {"action": "submit", "version": 2})
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED

    login(client, user("urzad-moderator"))
    response = client.post(url, {"action": "request_changes", "version": 3, "comment": ""})
    assert response.status_code == 400
    assert "Say what needs to change." in [str(m) for m in get_messages(response.wsgi_request)]
    response = client.post(url, {"action": "accept", "version": 3})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    assert status_of(page(KARTA), Locale.objects.get(language_code="uk")) == TranslationStatus.REVIEWED


def test_a_stale_page_gets_a_clear_message_and_keeps_the_comment(client, user, translator, tasks):
    task = tasks["karta-uk"]
    TranslationTask.objects.filter(pk=task.pk).update(state=TaskState.SUBMITTED)
    url = reverse("otwarta_review:transition", args=[task.pk])
    login(client, user("urzad-moderator"))
    client.post(url, {"action": "request_changes", "version": 1, "comment": "Wrong fee."})
    login(client, user("region"))  # had the page open since before
    response = client.post(url, {"action": "request_changes", "version": 1, "comment": "Also the address."})
    assert response.status_code == 409
    [message] = [str(m) for m in get_messages(response.wsgi_request) if "Someone" in str(m)]
    assert message.startswith("Someone else changed this task meanwhile; it is now “Changes requested”.")
    assert "Also the address.</textarea>" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.CHANGES_REQUESTED
    assert list(task.events.values_list("comment", flat=True)) == ["", "Wrong fee."]


# --- assigning ----------------------------------------------------------------------------------------
def test_translators_and_strangers_cannot_assign(client, translator, portal):
    login(client, translator["uk"])
    assert denied(client.get(reverse("otwarta_review:create")))
    assert denied(client.post(reverse("otwarta_review:create"), {}))


def test_the_form_is_prefilled_from_the_dashboard_link(client, user, portal):
    login(client, user("urzad-editor"))
    content_type = ContentType.objects.get_for_model(Page)
    response = client.get(reverse("otwarta_review:create"), {
        "content_type": content_type.pk, "translation_key": str(page(KARTA).translation_key), "locale": "uk"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"page": page(KARTA).pk, "locale": "uk"}
    html = response.content.decode()
    assert 'value="uk" selected' in html
    response = client.get(reverse("otwarta_review:create"), {"content_type": content_type.pk,
                                                             "translation_key": "not-a-uuid"})
    assert response.status_code == 200 and response.context["form"].initial == {}


def test_a_refused_form_keeps_what_was_typed(client, user, translator, portal):
    login(client, user("urzad-editor"))
    data = {"page": page(KARTA).pk, "locale": "uk", "assignee": translator["en"].pk, "due_on": "2099-01-31",
            "instructions": "Keep the table of fees."}
    response = client.post(reverse("otwarta_review:create") + "?locale=uk", data)
    assert response.status_code == 200
    assert response.context["form"].errors["assignee"] == ["Tr-En is not a translator into Українська."]
    html = response.content.decode()
    assert "Keep the table of fees.</textarea>" in html
    assert 'value="2099-01-31"' in html
    assert not TranslationTask.objects.exists()


def test_another_institutions_page_is_refused(client, user, translator, portal):
    login(client, user("urzad-editor"))
    response = client.post(reverse("otwarta_review:create"),
                           {"page": page(PESEL).pk, "locale": "uk", "assignee": translator["uk"].pk})
    assert response.status_code == 200
    with translation.override("en"):  # the request left its own language active in this thread
        errors = [str(error) for error in response.context["form"].non_field_errors()]
    assert errors == ["You may assign translation tasks only for your institution's content."]
    assert not TranslationTask.objects.exists()


def test_assigning_a_task(client, user, translator, portal, mailoutbox, django_capture_on_commit_callbacks):
    login(client, user("urzad-moderator"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("otwarta_review:create"), {
            "page": page(KARTA, "en").pk, "locale": "uk", "assignee": translator["uk"].pk,
            "instructions": "Check the fee."})
    task = TranslationTask.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("otwarta_review:detail", args=[task.pk])
    assert (task.translation_key, task.locale.language_code, task.assignee, task.created_by) == (
        page(KARTA).translation_key, "uk", translator["uk"], user("urzad-moderator"))
    assert [m.to for m in mailoutbox] == [["tr-uk@example.org"]]


# --- "Mark as reviewed" ----------------------------------------------------------------------------
def test_a_translator_marks_a_translation_of_their_language_as_reviewed(client, translator, portal):
    uk_page = page(KARTA, "uk")
    url = reverse("otwarta_review:mark_reviewed", args=[uk_page.pk])
    login(client, translator["uk"])
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}" method="post"' in response.content.decode()
    uk = Locale.objects.get(language_code="uk")
    assert status_of(uk_page, uk) != TranslationStatus.REVIEWED  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert status_of(uk_page, uk) == TranslationStatus.REVIEWED


@pytest.mark.parametrize(("username", "code", "allowed"), [
    ("tr-uk", "pl", False),  # the Polish source is not a translation
    ("tr-uk", "en", False),
    ("tr-en", "uk", False),
    ("urzad-moderator", "uk", False),  # institutions assign reviews; translators and the region review
    ("region", "en", True),
    ("admin", "ka", True),
])
def test_who_may_mark_as_reviewed(client, user, translator, username, code, allowed):
    target = page(KARTA, code)
    url = reverse("otwarta_review:mark_reviewed", args=[target.pk])
    login(client, user(username))
    response = client.post(url)
    reviewed = status_of(target, target.locale) == TranslationStatus.REVIEWED
    if allowed:
        assert response.status_code == 302 and reviewed
    else:
        assert denied(response) and not reviewed
    buttons = list(page_header_review_buttons(target, user(username)))
    assert any(button.url.startswith(url) for button in buttons) is allowed


def test_a_draft_translation_cannot_be_marked(client, translator, portal):
    uk_page = page(KARTA, "uk")
    uk_page.unpublish()
    login(client, translator["uk"])
    response = client.post(reverse("otwarta_review:mark_reviewed", args=[uk_page.pk]))
    assert response.status_code == 302
    assert any("not published yet" in str(m) for m in get_messages(response.wsgi_request))
    assert status_of(uk_page, uk_page.locale) == TranslationStatus.IN_PROGRESS


# --- dashboard and header buttons -----------------------------------------------------------------
def test_the_dashboard_shows_my_tasks(client, translator, user, tasks):
    login(client, translator["uk"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "My translation tasks" in html
    assert reverse("otwarta_review:detail", args=[tasks["pesel-uk"].pk]) in html
    assert reverse("otwarta_review:detail", args=[tasks["karta-en"].pk]) not in html

    TranslationTask.objects.filter(pk=tasks["karta-en"].pk).update(state=TaskState.SUBMITTED)
    login(client, user("urzad-editor"))
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "One translation is waiting for review." in html

    login(client, user("fundacja-editor"))
    assert "My translation tasks" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_assign_button_on_pages(user, portal):
    buttons = list(page_header_review_buttons(page(KARTA, "uk"), user("urzad-editor")))
    [assign] = [b for b in buttons if b.url.startswith(reverse("otwarta_review:create"))]
    assert f"translation_key={page(KARTA).translation_key}" in assign.url and "locale=uk" in assign.url
    assert not list(page_header_review_buttons(page(KARTA), user("fundacja-editor")))


def test_the_menu_item_for_translators_and_coordinators(client, translator, user, portal):
    login(client, translator["uk"])
    assert reverse(INDEX) in client.get(reverse("wagtailadmin_home")).content.decode()
