"""sitemap.xml with every public page and its language alternates (xhtml:link hreflang)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    entries = []
    if Site.objects.exists():
        live = list(Page.objects.filter(depth__gte=2).live().public().select_related("locale").order_by("path"))
        groups: dict[object, list[Page]] = defaultdict(list)
        for page in live:
            groups[page.translation_key].append(page)
        base = request.build_absolute_uri("/").rstrip("/")
        for page in live:
            url = page.get_url(request=request)
            if not url:
                continue
            alternates = [
                (p.locale.language_code, base + (p.get_url(request=request) or ""))
                for p in groups[page.translation_key]
            ]
            entries.append(
                {"loc": base + url, "lastmod": page.last_published_at, "alternates": alternates,
                 "x_default": next((u for c, u in alternates if c == settings.LANGUAGE_CODE), None)}
            )
    from otwarta.forms_library.sitemap import entries as forms_entries

    entries += forms_entries(request.build_absolute_uri("/").rstrip("/"))
    from otwarta.directory.sitemap import entries as directory_entries

    entries += directory_entries(request.build_absolute_uri("/").rstrip("/"))
    from otwarta.printing.views import sitemap_entries as printing_entries

    entries += printing_entries(request.build_absolute_uri("/").rstrip("/"))
    xml = render_to_string("core/sitemap.xml", {"entries": entries})
    return HttpResponse(xml, content_type="application/xml")
