"""Security basics: response headers and the two Content-Security-Policies, ``check --deploy`` under
production settings, login throttling (django-axes) and two-factor authentication (wagtail-2fa).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from csp.constants import NONCE
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from otwarta.core.middleware import PermissionsPolicyMiddleware, is_admin_path

ROOT = Path(__file__).resolve().parents[3]
ARTICLE = "/pl/instytucje/urzad/karta-pobytu/"
PASSWORD = "Bardzo-dlugie-haslo-2026"


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name] = values
    return policy


def configured(policy: dict[str, Any]) -> dict[str, list[str]]:
    return {name: list(values) for name, values in policy["DIRECTIVES"].items()}


def login_client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


# --- headers ------------------------------------------------------------------------------------------
PUBLIC_PATHS = [ARTICLE, "/pl/", "/uk/instytucje/urzad/karta-pobytu/", "/pl/instytucje/", "/pl/no-such-page/"]


def test_public_pages_get_the_strict_policy_and_security_headers(portal: Any, client: Client) -> None:
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = parse_csp(response["Content-Security-Policy"])
        assert policy == configured(settings.CONTENT_SECURITY_POLICY), path
        for directive in ("script-src", "style-src", "default-src"):
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(policy[directive])
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        # ...and the pages live with it: no inline script, style element, style attribute or event handler.
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), path
        assert not re.search(r"<style[\s>]|\sstyle=|\son[a-z]+=", html), path

        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        features = response["Permissions-Policy"].split(", ")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "fullscreen=(self)"):
            assert feature in features, path


def test_permissions_policy_header_format() -> None:
    header = PermissionsPolicyMiddleware.header_value({"camera": [], "fullscreen": ["self", "https://x.example"]})
    assert header == 'camera=(), fullscreen=(self "https://x.example")'


def test_admin_prefix_detection() -> None:
    assert is_admin_path("/admin/") and is_admin_path("/admin/pages/3/edit/")
    assert not is_admin_path("/administracja/") and not is_admin_path("/pl/admin/")


# An executable inline <script> start tag (no src, not a JSON or template data block).
INLINE_SCRIPT_TAG = r"<script(?![^>]*\ssrc=)(?![^>]*type=\"(?:application/json|text/template)\")[^>]*>"
ADMIN_PAGES = [
    (None, "/admin/login/"),
    ("admin", "/admin/"),
    ("admin", "/admin/pages/{article}/edit/"),
    ("urzad-editor", "/admin/pages/{article}/edit/"),
    ("urzad-editor", "/admin/2fa/devices/new"),
    # Wagtail's inline initialisers: page chooser, date pickers, inline panels, wagtail-localize's editor.
    ("admin", "/admin/users/"),
    ("admin", "/admin/groups/new/"),
    ("admin", "/admin/workflows/add/"),
    ("admin", "/admin/reports/site-history/"),
    ("admin", "/admin/localize/submit/page/{article}/"),
    ("admin", "/admin/pages/{translation}/edit/"),
]


def test_admin_gets_the_admin_policy(portal: Any) -> None:
    from wagtail.models import Locale

    from otwarta.portal.models import ArticlePage

    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    translation = article.get_translation(Locale.objects.get(language_code="uk"))
    nonced = 0
    for who, path in ADMIN_PAGES:
        client = login_client(who) if who else Client()
        response = client.get(path.format(article=article.pk, translation=translation.pk))
        assert response.status_code == 200, path
        nonced += response.content.decode().count(' nonce="')
        policy = parse_csp(response["Content-Security-Policy"])
        expected = configured(settings.OTWARTA_ADMIN_CONTENT_SECURITY_POLICY)
        nonces = [value for value in policy["script-src"] if value.startswith("'nonce-")]
        expected["script-src"] = [value for value in expected["script-src"] if value is not NONCE] + nonces
        assert policy == expected, path
        # No inline script runs unless it carries this response's nonce (Wagtail's own initialisers do,
        # see core.admin_csp); nothing from elsewhere.
        assert "'unsafe-inline'" not in policy["script-src"] and len(nonces) <= 1, path
        # Inline styles: <style> elements only (Draftail's), never style attributes (docs/decisions/0007).
        assert policy["style-src"] == ["'self'"] and policy["style-src-elem"] == ["'self'", "'unsafe-inline'"]
        html = response.content.decode()
        for tag in re.findall(INLINE_SCRIPT_TAG, html):
            assert nonces and f'nonce="{nonces[0][7:-1]}"' in tag, (path, tag)
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        for values in policy.values():
            assert not {"*", "http:", "https:"} & set(values), path
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
    assert nonced >= 10  # the pages above do have inline initialisers, and they carry the nonce


def test_page_preview_keeps_the_public_policy_but_the_admin_may_frame_it(portal: Any) -> None:
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    from otwarta.portal.models import ArticlePage

    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    client = login_client("urzad-editor")
    url = f"/admin/pages/{article.pk}/edit/preview/"
    data = nested_form_data({
        "title": "Podgląd", "slug": article.slug, "summary": article.summary, "topic": article.topic_id,
        "body": streamfield([("text", rich_text("<p>Treść.</p>"))]),
        "last_reviewed_at": article.last_reviewed_at.isoformat(), "review_interval_days": 180,
    })
    assert client.post(url, data).json()["is_valid"]
    response = client.get(url + "?in_preview_panel=true")
    assert response.status_code == 200
    assert "Podgląd" in response.content.decode()
    policy = parse_csp(response["Content-Security-Policy"])
    expected = configured(settings.CONTENT_SECURITY_POLICY)
    expected["frame-ancestors"] = ["'self'"]
    assert policy == expected
    assert response["X-Frame-Options"] == "SAMEORIGIN"


# --- check --deploy -------------------------------------------------------------------------------------
def run_deploy_check(tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OTWARTA_", "DATABASE_", "REDIS_"))}
    env.update({
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "DJANGO_SETTINGS_MODULE": "otwarta.settings",
        "OTWARTA_VAR_DIR": str(tmp_path),
        # The documented production environment (docs/deployment.md): a shared cache, else otwarta.W040.
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **extra_env,
    })
    code = ("import django, sys; django.setup(); from django.core.management import call_command; "
            "call_command('check', '--deploy', '--fail-level', 'WARNING')")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=False)


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = run_deploy_check(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output and "?: (security." not in output


def test_check_deploy_does_catch_a_weakened_setting(tmp_path: Path) -> None:
    """The check above can fail: switching the HTTPS redirect off in production is reported."""
    result = run_deploy_check(tmp_path, DJANGO_SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


# Runs in a subprocess under production settings: the response headers of the whole middleware stack (a
# view that needs no database), and the session and CSRF cookies as Django's own middleware writes them
# (the session store's save is the only thing stubbed, so no database is needed).
PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import Client, RequestFactory

# No collectstatic here: plain static storage instead of the manifest (whose file does not exist yet).
from django.test import override_settings
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client(HTTP_HOST="example.org")
out = {"headers": {}, "plain_http": {}}
for path in ("/robots.txt", "/sw.js"):
    response = client.get(path, secure=True)
    out["headers"][path] = {"status": response.status_code, **{k: v for k, v in response.headers.items()}}
response = client.get("/robots.txt")
out["plain_http"] = {"status": response.status_code, "location": response.get("Location", "")}

def cookie(morsel):
    return {"name": morsel.key, "path": morsel["path"], "domain": morsel["domain"], "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"], "max-age": morsel["max-age"]}

request = RequestFactory().get("/admin/", secure=True, HTTP_HOST="example.org")
def view(request):
    request.session["_auth_user_id"] = "1"
    request.session.save = lambda must_create=False: None
    request.session._session_key = "k" * 32
    get_token(request)
    return HttpResponse("ok")
response = SessionMiddleware(lambda r: CsrfViewMiddleware(view)(r))(request)
out["cookies"] = [cookie(m) for m in response.cookies.values()]
from csp.utils import build_policy, default_config
out["admin_policy"] = build_policy(config=default_config(settings.OTWARTA_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]))
out["settings"] = {name: getattr(settings, name) for name in (
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_SAVE_EVERY_REQUEST", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_COOKIE_AGE", "OTWARTA_2FA_REQUIRED_ROLES", "WAGTAIL_2FA_REQUIRED")}
print(json.dumps(out))
"""


def production_probe(tmp_path: Path, **extra_env: str) -> dict[str, Any]:
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OTWARTA_", "DATABASE_", "REDIS_"))}
    env.update({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
                "DJANGO_ALLOWED_HOSTS": "example.org", "DJANGO_SETTINGS_MODULE": "otwarta.settings",
                "OTWARTA_VAR_DIR": str(tmp_path), **extra_env})
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_headers_and_cookies(tmp_path: Path) -> None:
    probe = production_probe(tmp_path)
    for path, headers in probe["headers"].items():
        assert headers["status"] == 200, path
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "Cross-Origin-Embedder-Policy" not in headers  # would block the directory's map tiles
        assert headers["X-Frame-Options"] == "DENY"
        assert "camera=()" in headers["Permissions-Policy"]
        policy = parse_csp(headers["Content-Security-Policy"])
        for directive in ("script-src", "style-src", "script-src-elem", "style-src-elem", "default-src"):
            assert "'unsafe-inline'" not in policy.get(directive, []), (path, directive)
            assert "'unsafe-eval'" not in policy.get(directive, []), (path, directive)
        assert "upgrade-insecure-requests" in policy, path
    # The admin's policy (its pages need the database, which this probe has not): no inline scripts either.
    admin = parse_csp(probe["admin_policy"])
    assert "'unsafe-inline'" not in admin["script-src"] and "upgrade-insecure-requests" in admin
    # Plain HTTP is redirected to HTTPS (the proxy says which through X-Forwarded-Proto).
    assert probe["plain_http"]["status"] == 301 and probe["plain_http"]["location"].startswith("https://")

    cookies = {c["name"]: c for c in probe["cookies"]}
    assert set(cookies) == {"__Host-sessionid", "__Host-csrftoken"}
    for name, attributes in cookies.items():
        # What browsers demand of a __Host- cookie: Secure, Path=/, no Domain.
        assert attributes["secure"] and attributes["path"] == "/" and not attributes["domain"], name
        assert attributes["httponly"], name  # neither is readable by scripts
        assert attributes["samesite"] == "Lax", name
    assert cookies["__Host-sessionid"]["max-age"] == ""  # ends with the browser...
    settings_seen = probe["settings"]
    assert settings_seen["SESSION_EXPIRE_AT_BROWSER_CLOSE"] and settings_seen["SESSION_SAVE_EVERY_REQUEST"]
    assert settings_seen["SESSION_COOKIE_AGE"] <= 8 * 3600  # ...and after 8 idle hours at most
    assert settings_seen["OTWARTA_2FA_REQUIRED_ROLES"] is True  # 2FA for privileged roles by default


def test_development_defaults_let_demo_accounts_in_without_a_phone() -> None:
    # The test settings are the development profile: the role requirement is off unless a test turns it on.
    assert settings.ENVIRONMENT != "production"
    assert settings.OTWARTA_2FA_REQUIRED_ROLES is False
    assert settings.SESSION_COOKIE_NAME == "sessionid"  # plain HTTP on localhost cannot keep a __Host- cookie


# --- login throttling (django-axes) -----------------------------------------------------------------------
@pytest.fixture
def axes_on(settings: Any) -> Any:
    settings.AXES_ENABLED = True  # conftest switches it off for every other test
    return settings


def make_user(username: str, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def sign_in(client: Client, username: str, password: str, **headers: str) -> Any:
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, **headers)


def test_login_is_locked_after_repeated_failures_until_cool_off(db: None, axes_on: Any) -> None:
    make_user("editor-a")
    make_user("editor-b")
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with freeze_time(start) as clock:
        for attempt in range(1, limit):
            response = sign_in(client, "editor-a", "wrong-password")
            assert response.status_code == 200, attempt  # the form again, with an error
        response = sign_in(client, "editor-a", "wrong-password")
        assert response.status_code == 429
        assert gettext("Too many failed sign-in attempts") in response.content.decode()
        # The right password is refused too, while the lock lasts...
        assert sign_in(client, "editor-a", PASSWORD).status_code == 429
        clock.tick(dt.timedelta(minutes=5))
        assert sign_in(client, "editor-a", PASSWORD).status_code == 429
        assert "_auth_user_id" not in client.session
        # ...for that account from that address only: a colleague on the same network still signs in.
        other = Client()
        assert sign_in(other, "editor-b", PASSWORD).status_code == 302
        # After the cool-off the account signs in again.
        clock.tick(dt.timedelta(hours=settings.AXES_COOLOFF_TIME) + dt.timedelta(seconds=1))
        response = sign_in(client, "editor-a", PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_behind_the_proxy_lockout_is_per_client_address(db: None, axes_on: Any) -> None:
    """Every request reaches the app from the reverse proxy; without the X-Forwarded-For handling, an
    attacker's wrong passwords would lock the account for its real owner too."""
    axes_on.OTWARTA_TRUSTED_PROXY_COUNT = 1
    make_user("editor-m")
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(attacker, "editor-m", "wrong-password")
    assert response.status_code == 429
    # A forged left-hand entry does not give the attacker a fresh address.
    forged = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.66")
    assert sign_in(forged, "editor-m", PASSWORD).status_code == 429
    owner = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert sign_in(owner, "editor-m", PASSWORD).status_code == 302


def test_client_address_from_trusted_proxies(settings: Any) -> None:
    from django.test import RequestFactory

    from otwarta.core.middleware import client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3")
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "10.0.0.1"  # no proxy trusted: the header is ignored
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "3.3.3.3"
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 2
    assert client_ip_address(request) == "2.2.2.2"
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 4
    assert client_ip_address(request) == "10.0.0.1"
    assert client_ip_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


@pytest.mark.parametrize("language", ["uk", "pl", "en"])
def test_lockout_page_is_in_the_readers_language(db: None, axes_on: Any, language: str) -> None:
    make_user("editor-c")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "editor-c", "wrong-password", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    with translation.override(language):
        assert gettext("Too many failed sign-in attempts") in html
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    with translation.override(language):
        assert gettext("You can try again in %(minutes)s min.") % {"minutes": minutes} in html


# --- two-factor authentication (wagtail-2fa + django-otp) ----------------------------------------------------
def current_token(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def set_up_device(client: Client, name: str = "Telefon") -> TOTPDevice:
    response = client.get("/admin/2fa/devices/new")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user__username=response.wsgi_request.user.username, confirmed=False)
    response = client.post("/admin/2fa/devices/new", {"name": name, "otp_token": current_token(device),
                                                      "password": PASSWORD})
    assert response.status_code == 302, response.context and response.context["form"].errors
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_staff_can_open_the_two_factor_set_up(db: None) -> None:
    user = make_user("editor-d")
    client = Client()
    client.force_login(user)
    account = client.get("/admin/account/").content.decode()
    assert f"/admin/2fa/devices/{user.pk}" in account  # "Manage your 2FA devices" in the account menu
    assert client.get(f"/admin/2fa/devices/{user.pk}").status_code == 200
    response = client.get("/admin/2fa/devices/new")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>" in html and re.search(r"<title>\s*\S", html)  # a real page title (upstream's is empty)
    assert "otpauth://totp/" in html and "/admin/2fa/devices/qr-code" in html
    assert not re.search(r"\sstyle=", html)
    qr = client.get("/admin/2fa/devices/qr-code")
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    # Another user's devices stay private.
    other = make_user("editor-e")
    assert client.get(f"/admin/2fa/devices/{other.pk}").status_code in (302, 403)


def test_a_device_once_added_is_asked_for_at_every_sign_in(db: None) -> None:
    make_user("editor-f")
    with freeze_time(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)) as clock:
        client = Client()
        assert sign_in(client, "editor-f", PASSWORD).status_code == 302
        assert client.get("/admin/").status_code == 200  # optional: no device yet, no prompt
        device = set_up_device(client)
        assert client.get("/admin/").status_code == 200  # this session was verified by the set-up
        client.post("/admin/logout/")

        clock.tick(dt.timedelta(minutes=1))
        client = Client()
        assert sign_in(client, "editor-f", PASSWORD).status_code == 302
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/auth")
        prompt = client.get(response["Location"])
        assert prompt.status_code == 200 and not re.search(r"\sstyle=", prompt.content.decode())
        assert client.get("/admin/pages/").status_code == 302  # every admin page, not just the dashboard
        assert client.post("/admin/2fa/auth", {"otp_token": "000000", "next": "/admin/"}).status_code == 200
        clock.tick(dt.timedelta(seconds=30))
        response = client.post("/admin/2fa/auth", {"otp_token": current_token(device), "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_with_several_devices_the_prompt_asks_which_one(db: None) -> None:
    user = make_user("editor-i")
    TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    tablet = TOTPDevice.objects.create(user=user, name="Tablet", confirmed=True)
    stranger = TOTPDevice.objects.create(user=make_user("editor-j"), name="Cudzy", confirmed=True)
    client = Client()
    client.force_login(user)
    with freeze_time(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)) as clock:
        assert client.get("/admin/")["Location"].startswith("/admin/2fa/auth")
        html = client.get("/admin/2fa/auth?next=/admin/").content.decode()
        assert 'name="otp_device"' in html and "Tablet" in html and "Cudzy" not in html
        # Someone else's device and its valid code do not let this account in.
        response = client.post("/admin/2fa/auth", {"otp_device": stranger.persistent_id,
                                                   "otp_token": current_token(stranger), "next": "/admin/"})
        assert response.status_code == 200
        clock.tick(dt.timedelta(seconds=5))
        response = client.post("/admin/2fa/auth", {"otp_device": tablet.persistent_id,
                                                   "otp_token": current_token(tablet), "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_lost_device_is_removed_by_an_account_manager(db: None) -> None:
    """Regional administrators (who manage accounts) remove a colleague's device, but not a superuser's;
    editors see only their own devices."""
    editor = make_user("editor-k")
    device = TOTPDevice.objects.create(user=editor, name="Zgubiony telefon", confirmed=True)
    admin_device = TOTPDevice.objects.create(user=get_user_model().objects.get(username="admin"), name="Klucz",
                                             confirmed=True)
    colleague = Client()
    colleague.force_login(make_user("editor-l"))
    for url in (f"/admin/2fa/devices/{editor.pk}", f"/admin/2fa/devices/{device.pk}/remove"):
        assert colleague.get(url).status_code in (302, 403), url
    region = login_client("region")
    listing = region.get(f"/admin/2fa/devices/{editor.pk}")
    assert listing.status_code == 200 and "Zgubiony telefon" in listing.content.decode()
    assert region.get(f"/admin/2fa/devices/{admin_device.user_id}").status_code in (302, 403)
    assert region.post(f"/admin/2fa/devices/{admin_device.pk}/remove").status_code in (302, 403)
    assert TOTPDevice.objects.filter(pk=admin_device.pk).exists()
    response = region.post(f"/admin/2fa/devices/{device.pk}/remove", {"user_id": editor.pk})
    assert response.status_code == 302 and response["Location"] == f"/admin/2fa/devices/{editor.pk}"
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_required_two_factor_sends_staff_without_a_device_to_set_up(db: None, settings: Any) -> None:
    settings.WAGTAIL_2FA_REQUIRED = True
    client = Client()
    client.force_login(make_user("editor-g"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/devices/new")
    assert client.get("/admin/2fa/devices/new").status_code == 200
    # Accounts without admin access are not asked (Wagtail turns them away anyway).
    nobody = Client()
    nobody.force_login(get_user_model().objects.create_user("reader", "reader@example.org", PASSWORD))
    response = nobody.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_two_factor_never_touches_the_public_site_health_or_static_files(portal: Any, settings: Any) -> None:
    settings.WAGTAIL_2FA_REQUIRED = True
    settings.WHITENOISE_USE_FINDERS = True
    user = make_user("editor-h")
    TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)  # has a device, session unverified
    client = Client()
    client.force_login(user)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/auth")
    for path in (ARTICLE, "/pl/", "/healthz", "/static/css/site.css", "/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert client.get("/")["Location"].startswith("/pl/")
