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


# Form fields never echoed back on the "temporarily unavailable" page.
_NOT_ECHOED = ("password", "token", "secret")


def _database_connection_lost(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) means the database cannot be reached: a lost or
    refused connection, a timeout, a locked SQLite file. Any other database error counts only when the
    database does not answer ``SELECT 1`` either."""
    from django.db.utils import DatabaseError, InterfaceError, OperationalError

    seen: set[int] = set()
    database_error = False
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        database_error = database_error or isinstance(exc, DatabaseError)
        exc = exc.__cause__ or exc.__context__
    if not database_error:
        return False
    from .middleware import database_is_up

    return not database_is_up()


def _request_language(request: HttpRequest) -> str:
    """The reader's language from the path prefix alone (the locale middleware may not have run)."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _submitted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    try:
        return [(name, value) for name, values in request.POST.lists() for value in values
                if not any(word in name.lower() for word in _NOT_ECHOED) or name == "csrfmiddlewaretoken"]
    except Exception:  # an unreadable body: nothing to show
        return []


def temporarily_unavailable(request: HttpRequest) -> HttpResponse:
    """HTTP 503 "temporarily unavailable" in the reader's language, rendered without the database (no
    request context processors, no page tree, no session): a POSTed form is shown again, read-only, with a
    button that sends it once more, and the reader is told nothing was saved."""
    from django.template.loader import render_to_string

    from .languages import direction

    language = _request_language(request)
    fields = _submitted_fields(request)
    with translation.override(language):
        body = render_to_string("503.html", {
            "LANGUAGE_CODE": language,
            "LANGUAGE_DIRECTION": direction(language),
            "was_post": request.method == "POST",
            "action": request.get_full_path(),
            "visible_fields": [(name.replace("_", " ").capitalize(), value) for name, value in fields
                               if name != "csrfmiddlewaretoken"],
            "hidden_fields": fields,
            "retry_after": settings.OTWARTA_RETRY_AFTER_SECONDS,
        })
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.OTWARTA_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: runs inside the exception handler. A lost database connection is not a bug but an
    outage: 503 "temporarily unavailable" with ``Retry-After``. Anything else: the plain 500 page. Neither
    touches the database nor shows a stack trace."""
    import sys

    if _database_connection_lost(sys.exc_info()[1]):
        return temporarily_unavailable(request)
    from django.template.loader import render_to_string

    return HttpResponse(render_to_string("500.html"), status=500)
