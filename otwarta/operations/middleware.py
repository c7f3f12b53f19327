"""ObservabilityMiddleware: request id, Prometheus request metrics, one log line per request, and the
``/readyz`` and ``/metrics`` endpoints (answered here, before host checks, like ``/healthz``).

It is the first middleware, so it also times page-cache hits: the per-request work is a few dict look-ups,
two clock reads and, when the request logger is enabled, one log record."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from otwarta.operations import metrics
from otwarta.operations.logs import SANE_REQUEST_ID, request_id_var
from otwarta.operations.readiness import readyz

logger = logging.getLogger("otwarta.request")

PROBES = {"/healthz": "healthz", "/healthz/": "healthz", "/readyz": "readyz", "/readyz/": "readyz",
          "/metrics": "metrics", "/metrics/": "metrics"}
MAX_LOGGED_PATH = 500


class ObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.metrics_enabled = getattr(settings, "OTWARTA_METRICS_ENABLED", True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        # a random id, not a secret: random (reseeded in every forked worker) is ~10x cheaper than uuid4
        request_id = incoming if incoming and SANE_REQUEST_ID.fullmatch(incoming) else f"{random.getrandbits(128):032x}"
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            path = request.path_info
            probe = PROBES.get(path)
            if probe == "readyz":
                response: HttpResponse = readyz(request)
            elif probe == "metrics" and self.metrics_enabled:
                response = metrics.metrics_view(request)
            else:
                response = self.get_response(request)
            response["X-Request-ID"] = request_id
            cache = response.get("X-Cache")
            if probe:
                route = probe
            else:
                match = getattr(request, "resolver_match", None)
                if match is not None:
                    route = match.view_name or "unnamed"
                else:  # answered before URL resolution: by the page cache, or nothing matched
                    route = "page_cache" if cache in ("HIT", "STALE") else "unmatched"
            seconds = time.perf_counter() - started
            if self.metrics_enabled:
                metrics.observe(request.method or "", route, response.status_code, seconds, cache)
            if probe is None and logger.isEnabledFor(logging.INFO):
                self.log(request, request_id, route, response.status_code, seconds, cache)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def log(request: HttpRequest, request_id: str, route: str, status: int, seconds: float,
            cache: str | None) -> None:
        # request.path never includes the query string (the situation guide keeps answers there).
        path = request.path[:MAX_LOGGED_PATH]
        duration_ms = round(seconds * 1000, 2)
        logger.info(
            "%s %s %s %.1fms", request.method, path, status, duration_ms,
            extra={"http_request": True, "request_id": request_id, "method": request.method, "path": path,
                   "route": route, "status": status, "duration_ms": duration_ms, "cache": (cache or "none").lower(),
                   "user_id": _user_id(request)},
        )


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in account's id, without loading a session only for the log: an anonymous reader has
    no session cookie, and a view that used ``request.user`` has already resolved it."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # lazy and not resolved yet, and no session to resolve it from
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001 - a broken session must not break the response
        return None
