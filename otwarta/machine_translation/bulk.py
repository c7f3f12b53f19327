"""Bulk machine translation of a page subtree (run by ``tasks.run_bulk_translation`` in the task queue).

Each (page, locale) pair is one unit: machine-translate its untranslated segments and save a draft. A pair
that fails (the service answered with an error, the draft did not validate) is listed and the job goes on;
when the budget, the service's own quota or its key stop every further request, the job stops with that
message and what is done stays done. Running a job again translates only what is still untranslated.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from .editor import ManualTranslation, translate_page
from .exceptions import AuthenticationFailed, BudgetExceeded, MachineTranslationError, NotConfigured, QuotaExceeded
from .models import BulkTranslationJob
from .ownership import can_machine_translate
from .translator import PortalMachineTranslator

logger = logging.getLogger(__name__)

State = BulkTranslationJob.State
# Errors after which no further request can succeed: the job stops.
STOPPING_ERRORS = (BudgetExceeded, QuotaExceeded, AuthenticationFailed)
# Problems listed on the job (the counts stay exact beyond it).
MAX_LISTED_PROBLEMS = 1000


def subtree_pages(root: Page, include_drafts: bool) -> QuerySet[Page]:
    """The Polish pages of the subtree (the root included), parents first; aliases are not content."""
    pages = Page.objects.descendant_of(root, inclusive=True).filter(locale_id=root.locale_id, alias_of__isnull=True)
    if not include_drafts:
        pages = pages.filter(live=True)
    return pages.order_by("path")


def user_language(user: Any) -> str:
    from wagtail.users.models import UserProfile

    if user is None:
        return settings.LANGUAGE_CODE
    return str(UserProfile.get_for_user(user).get_preferred_language() or settings.LANGUAGE_CODE)


def _update(job: BulkTranslationJob, **fields: Any) -> None:
    BulkTranslationJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):
            setattr(job, name, value)


def _problem(job: BulkTranslationJob, page: Page, locale: Locale, message: str, kind: str) -> None:
    if len(job.errors) < MAX_LISTED_PROBLEMS:
        job.errors.append({"page_id": page.pk, "title": page.title, "locale": locale.language_code,
                           "message": message, "kind": kind})
    counter = "skipped" if kind == "skipped" else "failed"
    setattr(job, counter, getattr(job, counter) + 1)
    BulkTranslationJob.objects.filter(pk=job.pk).update(**{counter: F(counter) + 1, "errors": job.errors})


def run_job(job_id: int) -> str:
    """Carry out a queued job. Returns its final state."""
    job = BulkTranslationJob.objects.select_related("requested_by", "root_page").filter(pk=job_id).first()
    if job is None or job.state != State.QUEUED:
        return job.state if job else "missing"
    with translation.override(user_language(job.requested_by)):
        try:
            return _run(job)
        except Exception:  # noqa: BLE001 - the job must not stay "running" forever
            logger.exception("Bulk machine translation job %s failed", job.pk)
            _update(job, state=State.FAILED, finished_at=timezone.now(),
                    message=_("The job stopped because of an unexpected error. The site administrators can "
                              "find the details in the log."))
            return State.FAILED


def _run(job: BulkTranslationJob) -> str:
    user, root = job.requested_by, job.root_page
    if user is None or root is None:
        _update(job, state=State.FAILED, finished_at=timezone.now(),
                message=_("The page or the person who started the job no longer exists."))
        return State.FAILED
    locales = list(Locale.objects.filter(language_code__in=job.locales))
    locales.sort(key=lambda locale: job.locales.index(locale.language_code))
    pages = list(subtree_pages(root, job.include_drafts).specific())  # type: ignore[attr-defined]
    _update(job, state=State.RUNNING, started_at=timezone.now(), total=len(pages) * len(locales),
            done=0, failed=0, skipped=0, errors=[])
    translator = PortalMachineTranslator()
    stop_message = ""
    for page in pages:
        allowed = can_machine_translate(user, page)
        for locale in locales:
            if BulkTranslationJob.objects.filter(pk=job.pk, stop_requested=True).exists():
                stop_message = _("Stopped at your request.")
                break
            if not allowed:
                _problem(job, page, locale, _("You may not edit this page."), "skipped")
                continue
            try:
                translate_page(page, locale, user, translator, save_when_unchanged=False)
            except ManualTranslation as exc:
                _problem(job, page, locale, str(exc), "skipped")
            except STOPPING_ERRORS as exc:
                _problem(job, page, locale, str(exc), "error")
                stop_message = str(exc)
                break
            except NotConfigured as exc:
                _problem(job, page, locale, str(exc), "skipped")
            except MachineTranslationError as exc:
                logger.warning("Bulk job %s: page %s [%s]: %s", job.pk, page.pk, locale.language_code,
                               exc.detail or exc)
                _problem(job, page, locale, str(exc), "error")
            except ValidationError as exc:
                _problem(job, page, locale, _("The translation could not be saved: %(errors)s")
                         % {"errors": " ".join(exc.messages)}, "error")
            except Exception:  # noqa: BLE001 - one page's failure must not end the job
                logger.exception("Bulk job %s: page %s [%s] failed", job.pk, page.pk, locale.language_code)
                _problem(job, page, locale, _("An unexpected error occurred; the site administrators can find "
                                              "the details in the log."), "error")
            else:
                job.done += 1
                BulkTranslationJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
        if stop_message:
            break
    if stop_message:
        _update(job, state=State.STOPPED, finished_at=timezone.now(), message=stop_message)
        return State.STOPPED
    _update(job, state=State.DONE, finished_at=timezone.now(), message="")
    return State.DONE
