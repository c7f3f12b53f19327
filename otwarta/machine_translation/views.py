"""Admin views: machine translation in wagtail-localize's editor (shadowing its view), "translate
automatically" for a Polish page, and bulk translation jobs."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Locale, Page

from .bulk import subtree_pages
from .editor import is_source_page, offers, served_target_codes, translate_page
from .exceptions import MachineTranslationError, NotConfigured
from .forms import BulkTranslationForm
from .models import BulkTranslationJob
from .ownership import can_machine_translate, is_regional_admin, owning_institution, user_can_edit
from .services import budget_status
from .tasks import run_bulk_translation
from .translator import PortalMachineTranslator, charging

logger = logging.getLogger(__name__)


# --- wagtail-localize's translation editor ----------------------------------------------------------
@require_POST
def machine_translate(request: HttpRequest, translation_id: int) -> HttpResponse:
    """Shadows ``wagtail_localize:machine_translate`` (same URL, matched first): the institution that owns
    the object pays, and budget or service errors come back as messages, never as a server error."""
    from wagtail_localize.models import Translation
    from wagtail_localize.views.edit_translation import apply_machine_translation

    translation = get_object_or_404(Translation, id=translation_id)
    try:
        instance = translation.get_target_instance()
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    next_url = get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")
    if not can_machine_translate(request.user, instance):
        if owning_institution(instance) is None and user_can_edit(request.user, instance):
            messages.error(request, _("Only regional administrators may machine-translate content that belongs to "
                                      "no institution: its translation is not counted against any allowance."))
            return redirect(next_url)
        raise PermissionDenied
    translator = PortalMachineTranslator()
    if not translator.can_translate(translation.source.locale, translation.target_locale):
        messages.error(request, str(NotConfigured.default_message))
        return redirect(next_url)
    try:
        with charging(owning_institution(instance)):
            applied = apply_machine_translation(translation.id, request.user, translator)
    except MachineTranslationError as exc:
        logger.info("Machine translation of translation %s refused: %s", translation.id, exc.detail or exc)
        messages.error(request, str(exc))
        return redirect(next_url)
    if applied:
        messages.success(request, _("Machine-translated with %(service)s. Check every string before you publish.")
                         % {"service": translator.display_name})
    else:
        messages.warning(request, _("Nothing was left to translate: every text already has a translation."))
    return redirect(next_url)


# --- "Translate automatically" -------------------------------------------------------------------------
def _source_page_for(request: HttpRequest, page_id: int) -> Page:
    page = get_object_or_404(Page, pk=page_id).specific
    if not is_source_page(page) or not can_machine_translate(request.user, page):
        raise PermissionDenied
    return page


def _budget(page: Page) -> Any:
    owner = owning_institution(page)
    return {"institution": owner, "status": budget_status(owner)} if owner is not None else None


def translate_page_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET: each target language, whether it can be machine-translated (and why not). POST ``locale``:
    machine-translate into it and open the translation editor."""
    page = _source_page_for(request, page_id)
    here = reverse("otwarta_machine_translation:translate_page", args=[page.pk])
    if request.method == "POST":
        code = request.POST.get("locale", "")
        locale = Locale.objects.filter(language_code=code).exclude(pk=page.locale_id).first()
        if locale is None:
            messages.error(request, _("Choose one of the languages below."))
            return redirect(here)
        try:
            outcome = translate_page(page, locale, request.user)
        except MachineTranslationError as exc:
            messages.error(request, str(exc))
            return redirect(here)
        except ValidationError as exc:
            messages.error(request, _("The translation could not be saved: %(errors)s")
                           % {"errors": " ".join(exc.messages)})
            return redirect(here)
        params = {"title": page.get_admin_display_title(), "language": locale.get_display_name()}
        if outcome.segments:
            messages.success(request, _("“%(title)s” was machine-translated into %(language)s and saved as a draft. "
                                        "Check the translation here, then publish it.") % params)
        else:
            messages.success(request, _("Nothing new to machine-translate in “%(title)s” (%(language)s): the "
                                        "draft was updated from the current Polish page.") % params)
        target = page.get_translation(locale)
        return redirect("wagtailadmin_pages:edit", target.pk)
    return TemplateResponse(request, "machine_translation/admin/translate_page.html", {
        "page": page,
        "offers": offers(page),
        "budget": _budget(page),
        "next_url": get_valid_next_url_from_request(request) or reverse("wagtailadmin_explore", args=[page.pk]),
    })


# --- bulk translation ----------------------------------------------------------------------------------
def _locale_choices(page: Page) -> list[tuple[str, str]]:
    served = served_target_codes(page.locale.language_code)
    return [(code, name) for code, name in settings.LANGUAGES if code in served and code != page.locale.language_code]


def bulk_translate_view(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _source_page_for(request, page_id)
    choices = _locale_choices(page)
    active = BulkTranslationJob.objects.filter(root_page=page, state__in=BulkTranslationJob.ACTIVE_STATES).first()
    form = BulkTranslationForm(request.POST if request.method == "POST" else None, locale_choices=choices)
    if request.method == "POST" and form.is_valid():
        if active is not None:
            messages.error(request, _("A bulk translation of this page is already running. Wait until it finishes."))
            return redirect("otwarta_machine_translation:job", active.pk)
        job = BulkTranslationJob.objects.create(
            root_page=page, root_title=page.get_admin_display_title()[:255], locales=form.cleaned_data["locales"],
            include_drafts=form.cleaned_data["include_drafts"], requested_by=request.user,  # type: ignore[misc]
        )
        result = run_bulk_translation.enqueue(job.pk)
        BulkTranslationJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        messages.success(request, _("Bulk machine translation started."))
        return redirect("otwarta_machine_translation:job", job.pk)
    pages = subtree_pages(page, include_drafts=True)
    return TemplateResponse(request, "machine_translation/admin/bulk_form.html", {
        "page": page,
        "form": form,
        "has_choices": bool(choices),
        "page_count": pages.count(),
        "live_count": pages.filter(live=True).count(),
        "budget": _budget(page),
        "active": active,
    })


def _job_for(request: HttpRequest, job_id: int) -> BulkTranslationJob:
    job = get_object_or_404(BulkTranslationJob.objects.select_related("requested_by", "root_page"), pk=job_id)
    if job.requested_by_id != request.user.pk and not is_regional_admin(request.user):
        raise PermissionDenied
    return job


def job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    if request.method == "POST" and "stop" in request.POST:
        if job.state == BulkTranslationJob.State.QUEUED:
            BulkTranslationJob.objects.filter(pk=job.pk, state=BulkTranslationJob.State.QUEUED).update(
                state=BulkTranslationJob.State.STOPPED, stop_requested=True, message=_("Stopped at your request."))
        elif job.is_active:
            BulkTranslationJob.objects.filter(pk=job.pk).update(stop_requested=True)
            messages.info(request, _("The job stops after the page it is translating now."))
        return redirect("otwarta_machine_translation:job", job.pk)
    errors = [e for e in job.errors if e.get("kind") != "skipped"]
    skipped = [e for e in job.errors if e.get("kind") == "skipped"]
    return TemplateResponse(request, "machine_translation/admin/job.html", {
        "job": job,
        "errors": errors,
        "skipped": skipped,
        "refresh": job.is_active,
        "can_start_again": job.root_page is not None and not job.is_active
        and can_machine_translate(request.user, job.root_page),
    })


def job_list_view(request: HttpRequest) -> HttpResponse:
    jobs = BulkTranslationJob.objects.select_related("requested_by")
    everyone = is_regional_admin(request.user)
    if not everyone:
        jobs = jobs.filter(requested_by=request.user.pk)
    page = Paginator(jobs, 30).get_page(request.GET.get("p"))
    return TemplateResponse(request, "machine_translation/admin/job_list.html", {
        "jobs": page, "show_requester": everyone,
        "refresh": any(job.is_active for job in page),
    })
