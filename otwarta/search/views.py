"""Search in the reader's language (see services.py for how inflected forms are matched)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import services


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = services.normalise_query(request.GET.get("q", ""))
    results = services.search_pages(query) if query else []
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        page = paginator.page(1)
    return render(request, "search/search.html", {"query": query, "results": page, "paginator": paginator})
