"""Admin views of the directory beyond the snippet views: the "Details" page of a Polish record (its child
records in inline formsets), the report of records to confirm and the "Confirm still correct" action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from . import permissions
from .admin_forms import Section, VersionForm, sections_for, version_of
from .models import Location, Organization, Service, source_locale_id

DETAILS_ACTION = "directory.details"
ASSURE_ACTION = "directory.assure"
RECORD_MODELS: dict[str, type[Any]] = {
    "organization": Organization, "service": Service, "location": Location,
}
PER_PAGE = 50


def record_model(model_name: str) -> type[Any]:
    try:
        return RECORD_MODELS[model_name]
    except KeyError:
        raise Http404 from None


def _record(request: HttpRequest, model_name: str, pk: int, action: str = "change") -> Any:
    """The record, 404 when there is none, 403 when ``request.user`` may not ``action`` it."""
    model = record_model(model_name)
    record = get_object_or_404(model.objects.select_related("institution", "locale"), pk=pk)
    if not permissions.can(request.user, action, record):
        raise PermissionDenied
    return record


def snippet_url(record: Any, view: str = "edit") -> str:
    meta = record._meta
    return reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:{view}", args=[record.pk])


def details_url(record: Any) -> str:
    return reverse("directory_admin:details", args=[record._meta.model_name, record.pk])


# --- Details -------------------------------------------------------------------------------------------
class BoundSection:
    def __init__(self, section: Section, formset: Any) -> None:
        self.section = section
        self.formset = formset
        self.title = section.title
        self.help_text = section.help_text
        self.prefix = section.prefix


def _formsets(record: Any, data: Any = None) -> list[BoundSection]:
    model = type(record)
    return [BoundSection(section, section.formset_class(model)(data, instance=record, prefix=section.prefix))
            for section in sections_for(model)]


def details(request: HttpRequest, model_name: str, pk: int) -> HttpResponse:
    """Edit the child records of a Polish organisation, service or location. A submit made from an older
    version of the record than the saved one is refused with 409 and keeps what was typed."""
    record = _record(request, model_name, pk)
    context: dict[str, Any] = {
        "record": record, "model_name": model_name, "kind": record._meta.verbose_name,
        "edit_url": snippet_url(record), "page_title": _("Details"),
        "assure_url": reverse("directory_admin:assure", args=[model_name, record.pk]),
    }
    if record.locale_id != source_locale_id():
        source = record.source()
        context.update({"translation": True, "source": source, "source_details_url": details_url(source),
                        "source_edit_url": snippet_url(source)})
        return TemplateResponse(request, "directory/admin/details.html", context)

    status = 200
    if request.method == "POST":
        version_form = VersionForm(request.POST)
        sections = _formsets(record, request.POST)
        valid = version_form.is_valid() and all(bound.formset.is_valid() for bound in sections)
        if valid:
            with transaction.atomic():
                current = type(record).objects.select_for_update().get(pk=record.pk)
                if version_form.cleaned_data["version"] != version_of(current):
                    status = 409
                else:
                    changes = {}
                    for bound in sections:
                        formset = bound.formset
                        formset.save()
                        counts = {"added": len(formset.new_objects), "changed": len(formset.changed_objects),
                                  "deleted": len(formset.deleted_objects)}
                        if any(counts.values()):
                            changes[bound.prefix] = counts
                    # A new version (the formsets' next submit must start from it); no save signals: the
                    # texts did not change, so translations do not become outdated.
                    type(record).objects.filter(pk=record.pk).update(last_modified=timezone.now())
                    log(instance=record, action=DETAILS_ACTION, user=request.user, data={"changes": changes},
                        content_changed=bool(changes))
            if status == 200:
                messages.success(request, gettext_now("The details of “%(name)s” were saved.") % {"name": record})
                return HttpResponseRedirect(details_url(record))
            record = current  # the saved version: the next submit is made from it (deliberately)
            context["record"] = record
            context["conflict"] = True
            messages.error(request, gettext_now(
                "Someone else saved this record after you opened it. Nothing you typed was saved yet: it is "
                "still in the form below. Check the current version (open it in a new tab) and save again to "
                "replace it with yours."))
        else:
            status = 400 if version_form.errors else 200
            messages.error(request, gettext_now("The details could not be saved. Correct the marked fields."))
        version = version_of(record) if status == 409 else request.POST.get("version", "")
    else:
        sections = _formsets(record)
        version = version_of(record)
    context.update({"sections": sections, "version_form": VersionForm(initial={"version": version}),
                    "version": version, "details_url": details_url(record)})
    return TemplateResponse(request, "directory/admin/details.html", context, status=status)


# --- Records to confirm ----------------------------------------------------------------------------------
def assure_days() -> int:
    return int(getattr(settings, "OTWARTA_DIRECTORY_ASSURE_DAYS", 180))


def assure_deadline(today: dt.date | None = None) -> dt.date:
    """Records confirmed before this day are due for confirmation."""
    return (today or timezone.localdate()) - dt.timedelta(days=assure_days())


def is_due(record: Any, today: dt.date | None = None) -> bool:
    return bool(record.assured_date and record.assured_date < assure_deadline(today))


def due_records(user: Any) -> list[Any]:
    """The Polish records ``user`` maintains that were last confirmed too long ago, oldest first."""
    deadline = assure_deadline()
    found: list[Any] = []
    for model in RECORD_MODELS.values():
        found.extend(permissions.records_for(user, model, "change")
                     .filter(locale_id=source_locale_id(), assured_date__lt=deadline)
                     .select_related("institution"))
    return sorted(found, key=lambda record: (record.assured_date, str(record)))


def to_confirm(request: HttpRequest) -> HttpResponse:
    if not permissions.can_use_directory(request.user):
        raise PermissionDenied
    records = due_records(request.user)
    paginator: Paginator[Any] = Paginator(records, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("p"))
    rows = [{"record": record, "kind": record._meta.verbose_name, "edit_url": snippet_url(record),
             "details_url": details_url(record),
             "assure_url": reverse("directory_admin:assure", args=[record._meta.model_name, record.pk])}
            for record in page_obj.object_list]
    return TemplateResponse(request, "directory/admin/to_confirm.html", {
        "page_title": _("Directory records to confirm"), "rows": rows, "page_obj": page_obj,
        "paginator": paginator, "days": assure_days(), "next": request.get_full_path(),
    })


@require_POST
def assure(request: HttpRequest, model_name: str, pk: int) -> HttpResponse:
    """"Confirm still correct": the record (and its translations) get today's date and the user's e-mail."""
    record = _record(request, model_name, pk)
    source = record.source()
    if not permissions.can(request.user, "change", source):
        raise PermissionDenied
    today = timezone.localdate()
    email = getattr(request.user, "email", "") or ""
    with transaction.atomic():
        type(source).objects.filter(translation_key=source.translation_key).update(
            assured_date=today, assurer_email=email, last_modified=timezone.now())
        log(instance=source, action=ASSURE_ACTION, user=request.user,
            data={"assured_date": today.isoformat(), "assurer_email": email})
    messages.success(request, gettext_now("“%(name)s” is confirmed as correct today.") % {"name": source})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("directory_admin:to_confirm")
    return HttpResponseRedirect(target)


def listing_url(model_name: str, **query: Any) -> str:
    url = reverse(f"wagtailsnippets_directory_{model_name}:list")
    return url + ("?" + urlencode(query) if query else "")
