"""Middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_otp
from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connections
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware import gzip
from django.middleware.locale import LocaleMiddleware
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from wagtail_2fa.middleware import VerifyUserMiddleware

from otwarta.core.admin_csp import current_admin_request
from otwarta.institutions.two_factor import two_factor_required_for


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


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a path starting with something that looks like a language
    code we do not serve (``/xx/…``, ``/de-at/…``) is a plain 404 in the reader's language instead of a
    redirect to ``/pl/xx/…``."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 404:
            first = request.path_info.lstrip("/").split("/", 1)[0]
            known = {code for code, _name in settings.LANGUAGES}
            if first and first not in known and _looks_like_language_code(first):
                response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
                return response
        return super().process_response(request, response)


def _looks_like_language_code(segment: str) -> bool:
    parts = segment.split("-")
    return (
        2 <= len(parts[0]) <= 3
        and parts[0].isascii()
        and parts[0].isalpha()
        and parts[0].islower()
        and len(parts) <= 2
        and all(p.isascii() and p.isalnum() and len(p) <= 4 for p in parts[1:])
    )


def is_admin_path(path: str) -> bool:
    """Whether ``path`` belongs to the Wagtail admin (its URL prefix is whatever ``urls.py`` mounts)."""
    return path.startswith(reverse("wagtailadmin_home"))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with two policies: the strict ``CONTENT_SECURITY_POLICY`` for the public
    site and ``OTWARTA_ADMIN_CONTENT_SECURITY_POLICY`` for the Wagtail admin, whose few inline initialisers
    run with the request's nonce (``core.admin_csp``; no ``'unsafe-inline'`` scripts). A view's
    own ``@csp``/``@csp_update``/``@csp_replace`` decorators keep working on top
    of whichever policy applies.

    Wagtail renders previews by running a dummy request for the public URL through the whole middleware
    stack (``request.is_dummy``) and shows the result in an admin iframe: such responses keep the strict
    public policy (so editors see what readers get) except that the admin may frame them."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        # Wagtail's chooser, date and panel initialisers take the nonce from here (core.admin_csp).
        # A preview's dummy request runs inside the admin request: reset() below restores the outer value.
        in_admin = is_admin_path(request.path_info) and not getattr(request, "is_dummy", False)
        request._otwarta_csp_token = current_admin_request.set(request if in_admin else None)  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        try:
            return super().process_response(request, response)
        finally:
            token = getattr(request, "_otwarta_csp_token", None)
            if token is not None:
                request._otwarta_csp_token = None  # type: ignore[attr-defined]
                try:
                    current_admin_request.reset(token)
                except ValueError:  # set in another context (async hand-over): just forget the request
                    current_admin_request.set(None)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif parts.config is None and is_admin_path(request.path_info):
            admin_policy = getattr(settings, "OTWARTA_ADMIN_CONTENT_SECURITY_POLICY", None)
            if admin_policy:
                parts.config = default_config(admin_policy.get("DIRECTIVES", {}))
        return parts


class PermissionsPolicyMiddleware:
    """Sets ``Permissions-Policy`` from ``OTWARTA_PERMISSIONS_POLICY`` (feature → list of allowed origins;
    an empty list disables the feature, ``"self"`` allows this site only) and
    ``Cross-Origin-Resource-Policy`` from ``OTWARTA_CROSS_ORIGIN_RESOURCE_POLICY``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @staticmethod
    def header_value(policy: dict[str, list[str]]) -> str:
        def origin(value: str) -> str:
            return value if value in ("self", "*") else f'"{value}"'

        return ", ".join(f"{feature}=({' '.join(origin(v) for v in allowed)})" for feature, allowed in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "OTWARTA_PERMISSIONS_POLICY", None)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header_value(policy)
        resource_policy = getattr(settings, "OTWARTA_CROSS_ORIGIN_RESOURCE_POLICY", "")
        if resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", resource_policy)
        return response


def is_django_admin_path(path: str) -> bool:
    """Whether ``path`` belongs to Django's own admin site, if ``urls.py`` mounts it (it does not today)."""
    try:
        return path.startswith(reverse("admin:index"))
    except NoReverseMatch:
        return False


class AdminTwoFactorMiddleware(VerifyUserMiddleware):
    """wagtail-2fa's middleware, confined to the admin and enforced by role.

    * Only admin URLs are checked (Wagtail's admin, every JSON endpoint registered under it, and Django's
      admin if it is ever mounted): public pages, ``/healthz``, static and media files never redirect to a
      two-factor prompt (nor touch the session for it).
    * An account with a confirmed TOTP device must enter a code after signing in, whether or not
      two-factor authentication is required (upstream only asks when it is required site-wide).
    * An account that must have a device (``institutions.two_factor.two_factor_required_for``: everyone
      with admin access under ``WAGTAIL_2FA_REQUIRED``, superusers, regional administrators and moderators
      under ``OTWARTA_2FA_REQUIRED_ROLES``) and has none reaches only the device set-up, sign-out and what
      those pages load; every other admin URL sends it to the set-up.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        if not (is_admin_path(path) or is_django_admin_path(path)):
            # Still give request.user its ``is_verified()``/``otp_device`` (templates may ask), lazily.
            self._install_lazy_accessors(request)
            return None
        self._install_lazy_accessors(request)
        user = request.user
        if not self._has_admin_access(user):
            return None
        url_name = self._url_name(path)
        if url_name in self._allowed_url_names:
            return None
        if django_otp.user_has_device(user, confirmed=True):
            if user.is_verified():  # type: ignore[union-attr]  # added by django-otp
                return None
            return redirect_to_login(request.get_full_path(), login_url=reverse("wagtail_2fa_auth"))
        if url_name in self._allowed_url_names_no_device or not two_factor_required_for(user):
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse("wagtail_2fa_device_new"))

    @staticmethod
    def _has_admin_access(user: Any) -> bool:
        return bool(user.is_authenticated and (
            user.is_staff or user.is_superuser or user.has_perms(["wagtailadmin.access_admin"])
        ))

    @staticmethod
    def _url_name(path: str) -> str | None:
        try:
            return resolve(path).url_name
        except Resolver404:
            return None

    def _require_verified_user(self, request: HttpRequest) -> bool:
        """Upstream's hook, kept truthful for code that calls it: whether this request needs a verified
        (or, without a device, an equipped) account."""
        user = request.user
        if not self._has_admin_access(user):
            return False
        url_name = self._url_name(request.path_info)
        if url_name in self._allowed_url_names:
            return False
        if django_otp.user_has_device(user, confirmed=True):
            return True
        return url_name not in self._allowed_url_names_no_device and two_factor_required_for(user)


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address for login throttling (``AXES_CLIENT_IP_CALLABLE``).

    Behind ``OTWARTA_TRUSTED_PROXY_COUNT`` reverse proxies every request comes from the nearest proxy, so
    the address is read from ``X-Forwarded-For``: each proxy appends the address it saw, so the entry that
    many places from the right was written by our outermost proxy. Entries further left come from the
    client and are ignored (they can be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "OTWARTA_TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    # Fewer entries than proxies: the header did not pass through all of them; trust none of it.
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's GZip, except for formats that are compressed already (PDF, images, archives): compressing
    them again costs CPU on every request, saves nothing and drops Content-Length and the strong ETag."""

    ALREADY_COMPRESSED = ("application/pdf", "application/zip", "image/", "font/woff")

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith(self.ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
