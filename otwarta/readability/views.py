"""JSON endpoint behind the editor panel: re-checks the page edit form while the editor types.

Mounted under the Wagtail admin (``/admin/readability/analyse/``), so Wagtail requires the
``wagtailadmin.access_admin`` permission; Django's CSRF middleware checks the token the form carries.
Nothing is stored and nothing leaves the server.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .presentation import results_context
from .services import (
    ReadabilityConfig,
    analyse,
    get_config,
    is_valid_language_code,
    normalise_language,
    text_from_form_data,
)

RATE_LIMIT_WINDOW_SECONDS = 60


def _rate_limited(request: HttpRequest, config: ReadabilityConfig) -> bool:
    """At most ``RATE_LIMIT_PER_MINUTE`` checks per user per minute (the panel sends one per pause)."""
    window = int(time.time() // RATE_LIMIT_WINDOW_SECONDS)
    key = f"readability:rate:{request.user.pk}:{window}"
    cache.add(key, 0, timeout=RATE_LIMIT_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_LIMIT_WINDOW_SECONDS * 2)
        count = 1
    return count > config.rate_limit_per_minute


def _article_stream_blocks() -> dict[str, object]:
    from otwarta.portal.models import ArticlePage

    body: Any = ArticlePage._meta.get_field("body")
    return {"body": body.stream_block}


@never_cache
@require_POST
def analyse_view(request: HttpRequest) -> JsonResponse:
    """POST the page edit form (or ``readability_text``) with ``readability_language``; get the statistics
    as JSON and the panel's refreshed content as ``html``."""
    config = get_config()
    if _rate_limited(request, config):
        response = JsonResponse({"error": gettext("Too many checks in a short time. Wait a minute.")}, status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return response

    raw_language = request.POST.get("readability_language", "") or settings.LANGUAGE_CODE
    if not is_valid_language_code(raw_language):
        return JsonResponse({"error": gettext("Unknown language.")}, status=400)
    language = normalise_language(raw_language)

    if "readability_text" in request.POST:
        text = request.POST["readability_text"]
    else:
        try:
            text = text_from_form_data(request.POST, request.FILES, stream_fields=_article_stream_blocks())
        except (KeyError, ValueError, TypeError, ValidationError, SuspiciousOperation):
            return JsonResponse({"error": gettext("The form could not be read.")}, status=400)

    result = analyse(text, language, config)
    context = results_context(result)
    html = render_to_string("readability/includes/results.html", context, request=request)
    return JsonResponse({
        "language": language,
        "result": result.as_dict(),
        "summary": context["summary_sentence"],
        "html": html,
    })
