"""Middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse


def database_is_up() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


class HealthCheckMiddleware:
    """Answers ``/healthz`` before host checks, sessions or the database-backed stack run, so that load
    balancers can probe any address. 200 when the app and its database answer, 503 otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in ("/healthz", "/healthz/"):
            ok = database_is_up()
            response = JsonResponse({"status": "ok" if ok else "unavailable", "database": ok},
                                    status=200 if ok else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
