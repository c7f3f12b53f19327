"""Views of the core app: pages that every locale has outside the page tree."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page

from .emergency import EMERGENCY_NUMBERS
from .languages import language_name, page_translations


@require_safe
def emergency(request: HttpRequest) -> HttpResponse:
    return render(request, "core/emergency.html", {"numbers": EMERGENCY_NUMBERS})


@require_safe
def unavailable(request: HttpRequest, page_id: int) -> HttpResponse:
    """The language switcher's target when a page has no translation in the chosen language."""
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None:
        raise Http404
    versions = page_translations(page)
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current in versions:  # it exists after all: no need to apologise
        from django.shortcuts import redirect

        return redirect(versions[current].url)
    context = {
        "source_page": page,
        "language_name": language_name(current),
        "versions": [(code, language_name(code), p) for code, p in versions.items()],
    }
    return render(request, "core/unavailable.html", context)


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so that its scope covers every language prefix."""
    path = finders.find("js/sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as fh:
        response = HttpResponse(fh.read(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
