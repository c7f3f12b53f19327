"""Bulk machine translation of a subtree: the form, the job (progress, budget stop, errors, idempotence),
the job pages, permissions per role, and both task backends (immediate; database + db_worker)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page
from wagtail_localize.models import StringSegment

from otwarta.institutions.models import Institution
from otwarta.machine_translation.models import BulkTranslationJob, MachineTranslationBudget
from otwarta.machine_translation.services import characters_used
from otwarta.translations.services import ensure_translation

from .helpers import add_article, assert_denied, assert_login_required, client_for, locale, polish, user
from .servers import APIServer

pytestmark = pytest.mark.django_db
State = BulkTranslationJob.State


def bulk_url(page: Page) -> str:
    return reverse("otwarta_machine_translation:bulk_translate", args=[page.pk])


def job_url(job: BulkTranslationJob) -> str:
    return reverse("otwarta_machine_translation:job", args=[job.pk])


@pytest.fixture
def section(portal) -> Page:  # type: ignore[no-untyped-def]
    """The urzad section with, besides karta-pobytu (translated by hand), two published articles and a draft."""
    add_article("urzad", "mt-a", "Wizyta w urzędzie", "<p>Przynieś paszport i PESEL.</p>")
    add_article("urzad", "mt-b", "Opłaty", "<p>Opłata wynosi 100 zł. Zapłać przelewem.</p>")
    add_article("urzad", "mt-draft", "Szkic", "<p>Jeszcze nie gotowe.</p>", live=False)
    return polish("urzad")


def start(username: str, page: Page, **data: object) -> BulkTranslationJob:
    response = client_for(username).post(bulk_url(page), {"locales": ["en", "uk"], **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    job = BulkTranslationJob.objects.latest("pk")
    assert response["Location"] == job_url(job)
    return job


def problems(job: BulkTranslationJob, kind: str) -> set[tuple[str, str]]:
    return {(e["title"], e["locale"]) for e in job.errors if e["kind"] == kind}


def test_bulk_translation_of_a_subtree(section: Page, libretranslate: APIServer) -> None:
    client = client_for("urzad-editor")
    form = client.get(bulk_url(section))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="en"' in html and 'value="ka"' in html and 'value="ru"' not in html  # served pairs only
    job = start("urzad-editor", section)
    job.refresh_from_db()
    # section, karta-pobytu, mt-a, mt-b (the draft is left out) × en, uk
    assert (job.state, job.total, job.done, job.failed, job.skipped) == (State.DONE, 8, 4, 0, 4)
    assert job.started_at and job.finished_at and job.requested_by == user("urzad-editor")
    # The section and karta-pobytu have translations written by hand: skipped, with the reason listed.
    assert problems(job, "skipped") == {(title, code) for title in (section.title, "Karta pobytu czasowego")
                                        for code in ("en", "uk")}
    for slug in ("mt-a", "mt-b"):
        for code in ("en", "uk"):
            target = polish(slug).get_translation(locale(code))
            assert not target.live
    draft = polish("mt-a").get_translation(locale("en")).get_latest_revision_as_object()
    assert draft.title == "WIZYTA W URZĘDZIE"
    assert "PRZYNIEŚ PASZPORT I PESEL." in str(draft.body)
    assert polish("mt-draft").get_translation_or_none(locale("en")) is None
    page = client.get(job_url(job))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'http-equiv="refresh"' not in text  # finished: no refresh
    assert "8 of 8 translations processed" in text and 'value="8"' in text
    assert "written by hand" in text

    # Idempotent: a second run sends nothing and saves no new revision.
    sent = len([r for r in libretranslate.requests if r["path"] == "/translate"])
    target = polish("mt-a").get_translation(locale("en"))
    revisions = target.revisions.count()
    again = start("urzad-editor", section)
    again.refresh_from_db()
    assert (again.state, again.done, again.failed, again.skipped) == (State.DONE, 4, 0, 4)
    assert len([r for r in libretranslate.requests if r["path"] == "/translate"]) == sent
    assert target.revisions.count() == revisions


def test_drafts_included_on_request(section: Page, libretranslate: APIServer) -> None:
    job = start("urzad-editor", section, include_drafts="on", locales=["en"])
    job.refresh_from_db()
    assert (job.total, job.done) == (5, 3)
    assert polish("mt-draft").get_translation_or_none(locale("en")) is not None


def segment_characters(page: Page, code: str) -> int:
    translation = ensure_translation(page, locale(code))
    return sum(len(data) for data in set(StringSegment.objects.filter(source=translation.source)
                                         .values_list("string__data", flat=True)))


def test_budget_stops_the_job(section: Page, libretranslate: APIServer) -> None:
    urzad = Institution.objects.get(slug="urzad")
    needed = segment_characters(polish("mt-a"), "en")
    MachineTranslationBudget.objects.create(institution=urzad, monthly_characters=needed + 1)
    job = start("urzad-editor", section, locales=["en", "uk"])
    job.refresh_from_db()
    assert job.state == State.STOPPED
    assert "Urząd Testowy w Krakowie" in job.message
    # mt-a into English fitted; mt-a into Ukrainian did not: the job stopped there.
    assert (job.done, job.failed) == (1, 1)
    assert problems(job, "error") == {("Wizyta w urzędzie", "uk")}
    assert polish("mt-a").get_translation_or_none(locale("en")) is not None  # done stays done
    assert polish("mt-b").get_translation_or_none(locale("en")) is None
    assert characters_used(urzad) == needed
    html = client_for("urzad-editor").get(job_url(job)).content.decode()
    assert job.message.split(" (")[0][:40] in html


def test_page_errors_are_listed_and_the_job_goes_on(section: Page, libretranslate: APIServer) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user("urzad-editor"))
    profile.preferred_language = "en"  # the job's messages are in the requester's admin language
    profile.save()
    libretranslate.fail_on_text = "Wizyta w urzędzie"
    job = start("urzad-editor", section, locales=["en"])
    job.refresh_from_db()
    assert job.state == State.DONE
    assert (job.done, job.failed, job.skipped) == (1, 1, 2)
    assert problems(job, "error") == {("Wizyta w urzędzie", "en")}
    error = next(e for e in job.errors if e["kind"] == "error")
    assert error["message"] == ("The machine translation service is not available at the moment. "
                                "Please try again later.")
    assert polish("mt-b").get_translation_or_none(locale("en")) is not None
    assert characters_used(Institution.objects.get(slug="urzad")) == segment_characters(polish("mt-b"), "en")


def test_permissions(section: Page, libretranslate: APIServer) -> None:
    assert_login_required(client_for(None).get(bulk_url(section)))
    assert_login_required(client_for(None).post(bulk_url(section), {"locales": ["en"]}))
    assert_denied(client_for("fundacja-editor").get(bulk_url(section)))
    assert_denied(client_for("fundacja-editor").post(bulk_url(section), {"locales": ["en"]}))
    assert not BulkTranslationJob.objects.exists()
    assert client_for("urzad-moderator").get(bulk_url(section)).status_code == 200
    job = start("region", section, locales=["en"])
    job.refresh_from_db()
    assert job.done == 2
    # The job's page: its requester and regional admins only.
    assert client_for("region").get(job_url(job)).status_code == 200
    assert client_for("admin").get(job_url(job)).status_code == 200
    assert_denied(client_for("urzad-editor").get(job_url(job)))
    assert_login_required(client_for(None).get(job_url(job)))
    jobs = reverse("otwarta_machine_translation:jobs")
    assert job_url(job) in client_for("region").get(jobs).content.decode()
    assert job_url(job) not in client_for("urzad-editor").get(jobs).content.decode()


def test_home_subtree_for_regional_admins_only(section: Page, libretranslate: APIServer) -> None:
    home = Page.objects.get(depth=2, locale__language_code="pl")
    assert_denied(client_for("urzad-editor").get(bulk_url(home)))
    assert client_for("region").get(bulk_url(home)).status_code == 200


def test_form_errors_keep_the_input(section: Page, libretranslate: APIServer) -> None:
    client = client_for("urzad-editor")
    response = client.post(bulk_url(section), {"include_drafts": "on"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Choose at least one language." in response.content.decode()
    assert re.search(r'<input type="checkbox" name="include_drafts"[^>]*checked', response.content.decode())
    response = client.post(bulk_url(section), {}, HTTP_ACCEPT_LANGUAGE="en")  # nothing ticked
    assert "Choose at least one language." in response.content.decode()
    response = client.post(bulk_url(section), {"locales": ["ru"]})  # not served
    assert response.status_code == 200 and not BulkTranslationJob.objects.exists()


def test_progress_page_refreshes_while_running(section: Page) -> None:
    job = BulkTranslationJob.objects.create(root_page=section, root_title=section.title, locales=["en"],
                                            requested_by=user("urzad-editor"), state=State.RUNNING, total=10, done=3,
                                            failed=1)
    html = client_for("urzad-editor").get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "4 of 10 translations processed" in html and '<progress id="job-progress" max="10" value="4">' in html
    response = client_for("urzad-editor").post(job_url(job), {"stop": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.stop_requested and job.state == State.RUNNING  # the worker stops after the current page


def test_database_backend_and_worker(section: Page, libretranslate: APIServer, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes connections between tasks; on PostgreSQL that would end this test's transaction.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    job = start("urzad-editor", section, locales=["en"])
    job.refresh_from_db()
    assert job.state == State.QUEUED and job.task_id  # waits for the worker
    html = client_for("urzad-editor").get(job_url(job)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert (job.state, job.done, job.skipped) == (State.DONE, 2, 2)
