"""The "Translation exchange" admin view: export pages for translators, import their files back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.models import Locale, Page

from .forms import ExportForm, ImportForm
from .operations import export, import_upload
from .services import ImportRejected, Scope, can_edit, section_of, source_locale


@require_http_methods(["GET", "POST"])
def exchange_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    page, locale_code = _page_from_query(request)
    export_initial: dict[str, Any] = {"scope": Scope.PAGE if page else Scope.SECTION}
    if page is not None:
        section = section_of(page)
        export_initial.update(page=page, section=section if section and can_edit(section, user) else None)
    if locale_code:
        export_initial["locale"] = locale_code
    export_form = ExportForm(initial=export_initial, user=user, prefix="export")
    import_form = ImportForm(initial={"locale": locale_code} if locale_code else None, prefix="import")
    context: dict[str, Any] = {"page": page}

    action = request.POST.get("action")
    if action == "export":
        export_form = ExportForm(request.POST, user=user, prefix="export")
        if export_form.is_valid():
            response = _export(export_form)
            if response is not None:
                return response
    elif action == "import":
        import_form = ImportForm(request.POST, request.FILES, prefix="import")
        if import_form.is_valid():
            outcome = _import(request, import_form)
            context.update(outcome)
    context.update(export_form=export_form, import_form=import_form, page_title=_("Translation exchange"))
    return TemplateResponse(request, "exchange/exchange.html", context)


def _page_from_query(request: HttpRequest) -> tuple[Page | None, str]:
    """``?page=<id>`` (from a page's "more" menu): that page's Polish source, and the page's language
    when it is a translation. 403 when the user may not edit it."""
    page_id = request.GET.get("page", "")
    if not page_id.isdigit():
        return None, ""
    page = get_object_or_404(Page, pk=int(page_id))
    locale_code = request.GET.get("locale", "")
    polish = source_locale()
    if page.locale_id != polish.pk:
        locale_code = locale_code or Locale.objects.get(pk=page.locale_id).language_code
        page = get_object_or_404(Page, translation_key=page.translation_key, locale=polish)
    if not can_edit(page, request.user):
        raise PermissionDenied
    return page.specific, locale_code if locale_code != settings.LANGUAGE_CODE else ""


def _export(form: ExportForm) -> HttpResponse | None:
    data = form.cleaned_data
    scope = data["scope"]
    page = data["section"] if scope == Scope.SECTION else data["page"]
    locale = Locale.objects.get(language_code=data["locale"])
    try:
        exported = export(scope, data["format"], locale, form.user, page)  # PermissionDenied: 403
    except ValueError as error:
        form.add_error(None, str(error))
        return None
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
    return response


def _import(request: HttpRequest, form: ImportForm) -> dict[str, Any]:
    upload = form.cleaned_data["file"]
    locale = Locale.objects.get(language_code=form.cleaned_data["locale"])
    publish = form.cleaned_data["publish"]
    try:
        result = import_upload(upload.name, upload.read(), locale, request.user, publish=publish)
    except ImportRejected as rejected:
        return {"problems": rejected.problems, "rejected_file": upload.name}
    pages = len(result.pages)
    summary = ngettext("%(count)d translated unit imported.", "%(count)d translated units imported.",
                       result.units) % {"count": result.units}
    if publish:
        outcome = ngettext("%(count)d page published.", "%(count)d pages published.", pages)
    else:
        outcome = ngettext("%(count)d page saved as a draft for review.",
                           "%(count)d pages saved as drafts for review.", pages)
    complete = {page.pk for page in result.complete}
    return {
        "result": result,
        "summary": f"{summary} {outcome % {'count': pages}}",
        "imported_pages": [{"page": page, "complete": page.pk in complete} for page in result.pages],
    }
