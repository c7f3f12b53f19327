"""Attach the acting user, the client's address and the request id to every audit entry written while a
request is handled (docs/audit-log.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from auditlog.context import set_extra_data
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from otwarta.core.middleware import client_ip_address

_request_meta: ContextVar[dict[str, str] | None] = ContextVar("otwarta_audit_request", default=None)

REQUEST_ID_HEADER = "X-Request-ID"


def current_request_meta() -> dict[str, str] | None:
    return _request_meta.get()


_header_request_id: ContextVar[str | None] = ContextVar("otwarta_audit_request_id", default=None)
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}")


def request_id(request: HttpRequest) -> str:
    """The request's id: the one the structured logs use (otwarta.operations, which keeps a sane incoming
    ``X-Request-ID`` or makes one), else a sane ``X-Request-ID`` header, else empty."""
    logged = _logged_request_id()
    if logged:
        return logged
    header = request.headers.get(REQUEST_ID_HEADER, "")
    return header if SANE_REQUEST_ID.fullmatch(header) else ""


def _logged_request_id() -> str:
    try:
        from otwarta.operations.logs import request_id_var
    except ImportError:  # pragma: no cover - the operations app is optional here
        return ""
    value = request_id_var.get()
    return "" if value in ("", "-") else value


def current_request_id() -> str | None:
    """``AUDITLOG_CID_GETTER``: the id of the request being handled (None outside a request)."""
    return _header_request_id.get()


class AuditMiddleware:
    """django-auditlog's middleware, except that:

    - the client's address comes from ``otwarta.core.middleware.client_ip_address`` (trusted proxies only);
    - the request id is the structured logs' one (``X-Request-ID`` when sane), see :func:`request_id`;
    - requests without a session cookie (anonymous visitors: the public site) are not touched, so reading
      ``request.user`` never marks a cacheable public response as varying on cookies, and nothing about
      members of the public (their address) is recorded;
    - the user is looked up only when an entry is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        meta = {"remote_addr": client_ip_address(request) or "", "request_id": request_id(request)}
        id_token = _header_request_id.set(meta["request_id"] or None)

        def actor_id() -> Any:
            user = getattr(request, "user", None)
            return user.pk if user is not None and user.is_authenticated else None

        def actor_email() -> Any:
            user = getattr(request, "user", None)
            return getattr(user, "email", None) if user is not None and user.is_authenticated else None

        context = {"actor_id": actor_id, "actor_email": actor_email, "remote_addr": meta["remote_addr"] or None}
        token = _request_meta.set(meta)
        try:
            with set_extra_data(context_data=context):
                return self.get_response(request)
        finally:
            _request_meta.reset(token)
            _header_request_id.reset(id_token)
