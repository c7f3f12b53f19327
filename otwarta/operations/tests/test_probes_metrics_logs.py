"""/readyz, /metrics and the request log line."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from otwarta.operations import readiness
from otwarta.operations.logs import JsonLineFormatter, RequestIdFilter
from otwarta.operations.metrics import gunicorn_child_exit

ARTICLE = "/pl/instytucje/urzad/karta-pobytu/"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_migration_check() -> None:
    readiness._migrations_applied = False


def readyz(client: Client, **extra: Any) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz", **extra)
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


# --- /readyz --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ready_and_answers_before_host_checks(client: Client, settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    status, body = readyz(client, HTTP_HOST="10.1.2.3:8000")  # not in ALLOWED_HOSTS: a probe by address
    assert status == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "cache", "storage", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["queue"] == "in-process"
    assert list(tmp_path.rglob("*.txt")) == []  # the probe file is deleted again


@pytest.mark.django_db
def test_readyz_reports_a_database_that_does_not_answer(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    status, body = readyz(client)
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "connection refused" not in json.dumps(body)  # no error text on a public probe


@pytest.mark.django_db
def test_readyz_reports_unapplied_migrations(client: Client) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'operations' OR (app = 'sessions')")
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["migrations"]["ok"] is False and body["checks"]["migrations"]["unapplied"] >= 1
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_reports_a_cache_that_loses_values(client: Client, settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["cache"] == {"ok": False, "error": "value not read back"}


@pytest.mark.django_db
def test_readyz_reports_unwritable_media_storage(client: Client, settings: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocker / "media")}}}
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["storage"]["ok"] is False


@pytest.mark.django_db
def test_readyz_reports_the_database_task_queue(client: Client, settings: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    enqueued = timezone.now() - dt.timedelta(minutes=10)
    task = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                       queue_name="default", run_after=enqueued)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued)
    status, body = readyz(client)
    assert status == 200
    assert body["checks"]["tasks"]["ready"] == 1
    assert 590 < body["checks"]["tasks"]["oldest_ready_age_seconds"] < 700

    def unreachable() -> None:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(readiness, "oldest_ready_task_age", unreachable)
    status, body = readyz(client)
    assert status == 503 and body["checks"]["tasks"] == {"ok": False, "error": "OperationalError"}


# --- /metrics -------------------------------------------------------------------------------------


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_metrics_count_requests_by_route_status_and_cache_result(portal, client: Client) -> None:
    before = sample("otwarta_http_requests_total", method="GET", route="wagtail_serve", status="200")
    before_cache = {r: sample("otwarta_page_cache_responses_total", result=r)
                    for r in ("hit", "miss", "bypass", "stale", "none")}
    before_hist = sample("otwarta_http_request_duration_seconds_count", route="wagtail_serve")
    before_404 = sample("otwarta_http_requests_total", method="GET", route="wagtail_serve", status="404")
    first = client.get(ARTICLE + "?answer=secret")
    second = client.get("/pl/nie-ma-takiej-strony/")
    assert (first.status_code, second.status_code) == (200, 404)
    # the page cache (another part of the portal) may or may not label these responses
    cache_results = [r.get("X-Cache", "none").lower() for r in (first, second)]
    assert sample("otwarta_http_requests_total", method="GET", route="wagtail_serve", status="200") == before + 1
    assert sample("otwarta_http_requests_total", method="GET", route="wagtail_serve", status="404") == before_404 + 1
    assert sample("otwarta_http_request_duration_seconds_count", route="wagtail_serve") == before_hist + 2
    for result in set(cache_results):
        assert sample("otwarta_page_cache_responses_total", result=result) == (
            before_cache[result] + cache_results.count(result))

    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'otwarta_http_requests_total{method="GET",route="wagtail_serve",status="200"}' in text
    assert "otwarta_http_request_duration_seconds_bucket{" in text
    assert "otwarta_database_up 1.0" in text
    assert 'otwarta_task_queue_depth{status="ready"} 0.0' in text
    assert "otwarta_task_queue_oldest_ready_age_seconds 0.0" in text
    assert ARTICLE not in text and "secret" not in text  # route names, never raw paths


@pytest.mark.django_db
def test_metrics_read_the_page_cache_header(rf: Any) -> None:
    from otwarta.operations.middleware import ObservabilityMiddleware

    results = {}
    for header in ("HIT", "MISS", "BYPASS", "STALE", None):
        def view(request: Any, header: str | None = header) -> HttpResponse:
            response = HttpResponse("ok")
            if header:
                response["X-Cache"] = header
            return response

        label = (header or "none").lower()
        before = sample("otwarta_page_cache_responses_total", result=label)
        response = ObservabilityMiddleware(view)(rf.get("/pl/"))
        results[label] = sample("otwarta_page_cache_responses_total", result=label) - before
        assert response["X-Request-ID"]
    assert results == {"hit": 1, "miss": 1, "bypass": 1, "stale": 1, "none": 1}
    # A page-cache hit is answered before URL resolution: its own route label.
    assert sample("otwarta_http_requests_total", method="GET", route="page_cache", status="200") >= 2
    before = sample("otwarta_http_requests_total", method="GET", route="unmatched", status="200")
    ObservabilityMiddleware(lambda request: HttpResponse("ok"))(rf.get("/anything"))
    assert sample("otwarta_http_requests_total", method="GET", route="unmatched", status="200") == before + 1


@pytest.mark.django_db
def test_metrics_access_control(client: Client, settings: Any) -> None:
    settings.OTWARTA_METRICS_TOKEN = "s3cret-token-for-prometheus"
    settings.OTWARTA_METRICS_ALLOWED_IPS = ["127.0.0.1", "::1"]
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus",
                      **outside).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7").status_code == 403
    settings.OTWARTA_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.7", HTTP_HOST="10.0.0.2:8000").status_code == 200
    # Behind the reverse proxy on loopback, a public client's request is not "from loopback".
    settings.OTWARTA_TRUSTED_PROXY_COUNT = 1
    settings.OTWARTA_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 403
    settings.OTWARTA_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", **outside).status_code == 403


def test_gunicorn_child_exit_marks_the_worker_dead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    (tmp_path / "gauge_livesum_4242.db").write_bytes(b"")
    (tmp_path / "counter_4242.db").write_bytes(b"")

    class Worker:
        pid = 4242

    gunicorn_child_exit(None, Worker())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter_4242.db"]  # counters are kept, live gauges go


# --- Request log ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_log_line_fields_without_query_string(portal, client: Client,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="otwarta.request")
    response = client.get(ARTICLE + "?q=moja+tajna+odpowiedz&step=2", HTTP_X_REQUEST_ID="lb-1234.abcd")
    assert response["X-Request-ID"] == "lb-1234.abcd"
    records = [r for r in caplog.records if r.name == "otwarta.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.INFO
    assert (record.request_id, record.method, record.path, record.route, record.status, record.cache) == (
        "lb-1234.abcd", "GET", ARTICLE, "wagtail_serve", 200, response.get("X-Cache", "none").lower())
    assert record.user_id is None and record.duration_ms > 0
    formatter = JsonLineFormatter()
    line = formatter.format(record)
    data = json.loads(line)
    assert "\n" not in line
    assert {"time", "level", "logger", "message", "request_id", "method", "path", "route", "status",
            "duration_ms", "cache", "user_id"} <= data.keys()
    assert data["level"] == "INFO" and data["path"] == ARTICLE
    assert "tajna" not in line and "step" not in line and "?" not in line


@pytest.mark.django_db
def test_request_log_has_user_id_but_no_name(portal, caplog: pytest.LogCaptureFixture) -> None:
    from django.contrib.auth import get_user_model

    from otwarta.core.testing import signed_in_client

    caplog.set_level(logging.INFO, logger="otwarta.request")
    client = signed_in_client("urzad-editor")
    client.get("/admin/")
    record = [r for r in caplog.records if r.name == "otwarta.request"][-1]
    user = get_user_model().objects.get(username="urzad-editor")
    assert record.user_id == user.pk
    line = JsonLineFormatter().format(record)
    assert "urzad-editor" not in line and (user.email or "@@") not in line


@pytest.mark.django_db
def test_request_id_is_generated_when_missing_or_insane(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="otwarta.request")
    first = client.get("/robots.txt")["X-Request-ID"]
    second = client.get("/robots.txt")["X-Request-ID"]
    assert len(first) == 32 and first != second
    insane = "abc\r\nInjected: yes" + "x" * 10
    generated = client.get("/robots.txt", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
    assert generated != insane and len(generated) == 32
    assert client.get("/robots.txt", HTTP_X_REQUEST_ID="y" * 500)["X-Request-ID"] != "y" * 500
    # Probes are counted but not logged (a line every few seconds per load balancer is noise).
    caplog.clear()
    client.get("/healthz")
    client.get("/readyz")
    assert [r for r in caplog.records if r.name == "otwarta.request"] == []


def test_other_log_lines_carry_the_request_id() -> None:
    from otwarta.operations.logs import request_id_var

    record = logging.LogRecord("otwarta.x", logging.WARNING, __file__, 1, "something", None, None)
    token = request_id_var.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    assert record.request_id == "req-42"
    assert json.loads(JsonLineFormatter().format(record))["request_id"] == "req-42"


def test_multiprocess_mode_sums_the_workers(tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR (several gunicorn workers), a scrape of any worker counts all of them."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django, sys; django.setup()\n"
        "from prometheus_client import generate_latest\n"
        "from otwarta.operations import metrics\n"
        "metrics.observe('GET', 'wagtail_serve', 200, 0.003, 'HIT')\n"
        "if sys.argv[1] == 'scrape':\n"
        "    sys.stdout.write(generate_latest(metrics.scrape_registry()).decode())\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "otwarta.settings",
           "OTWARTA_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(settings.BASE_DIR)}
    env.pop("DATABASE_URL", None)
    for mode in ("count", "scrape"):
        result = subprocess.run([sys.executable, "-c", script, mode], env=env, capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr[-2000:]
    text = result.stdout
    assert 'otwarta_http_requests_total{method="GET",route="wagtail_serve",status="200"} 2.0' in text
    assert 'otwarta_page_cache_responses_total{result="hit"} 2.0' in text
    assert 'otwarta_http_request_duration_seconds_count{route="wagtail_serve"} 2.0' in text
