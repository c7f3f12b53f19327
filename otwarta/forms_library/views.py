"""The public forms library: the list (search, filter by institution) and one page per form, in the
reader's language with the Polish record as the fallback. Server-rendered; works without JavaScript."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from otwarta.institutions.models import Institution
from otwarta.search.services import normalise_query

from . import services
from .models import OfficialForm

PER_PAGE = 20


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    locale = services.reader_locale()
    query = normalise_query(request.GET.get("q", ""))
    institutions = Institution.objects.filter(
        official_forms__locale=services.source_locale()).distinct().order_by("name")
    chosen = next((i for i in institutions if i.slug == request.GET.get("institution", "")), None)
    versions = services.library(locale, query, chosen.pk if chosen else None)
    page = Paginator(versions, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forms_library/index.html", {
        "forms_query": query, "institutions": institutions, "chosen": chosen, "results": page,
        "count": len(versions), "filtered": bool(query or chosen),
    })


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = (OfficialForm.objects.filter(slug=slug, locale=services.source_locale())
              .select_related("locale", "institution", "document").first())
    if source is None:
        raise Http404
    version = services.reader_version(source, services.reader_locale())
    return render(request, "forms_library/detail.html", {
        "version": version, "form": version.shown, "source": version.source,
        "articles": services.linking_articles(version), "groups": services.field_groups(version.shown),
    })
