"""The production profile (docs/deployment.md): services chosen by environment variables, S3 media storage
against a real S3 server (moto in server mode), the scale-out checks, the server configurations (gunicorn,
ASGI, nginx) and the container recipe. Settings are imported in a subprocess with the environment under test,
so the real settings module is exercised, not a copy of its logic.
"""

from __future__ import annotations

import io
import json
import os
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.base import ContentFile
from django.test import override_settings
from PIL import Image as PILImage

from otwarta.core import production_checks

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
PURGE_MODULES = [Path(p) for p in ("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so",
                                   "/usr/share/nginx/modules/ngx_http_cache_purge_module.so")]
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "OTWARTA_", "DATABASE_", "REDIS_", "AWS_", "OPENSEARCH_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "otwarta.settings", "OTWARTA_VAR_DIR": str(tmp_path), **extra})
    return env


def settings_under(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The values the settings module computes under this environment (imported in a fresh interpreter)."""
    code = (
        "import json, otwarta.settings as s\n"
        "print(json.dumps({'DATABASES': s.DATABASES, 'CACHES': s.CACHES, 'SESSION_ENGINE': s.SESSION_ENGINE,"
        " 'STORAGES': s.STORAGES, 'MEDIA_STORAGE_ORIGINS': s.MEDIA_STORAGE_ORIGINS,"
        " 'IMG_SRC': [str(v) for v in s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']],"
        " 'ADMIN_IMG_SRC': [str(v) for v in s.OTWARTA_ADMIN_CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']],"
        " 'WAGTAILSEARCH_BACKENDS': s.WAGTAILSEARCH_BACKENDS,"
        " 'WAGTAILDOCS_SERVE_METHOD': getattr(s, 'WAGTAILDOCS_SERVE_METHOD', None)}, default=str))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(tmp_path, **env),  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}


# --- database, cache, sessions ------------------------------------------------------------------------
def test_postgresql_connections_are_health_checked_and_time_limited(tmp_path: Path) -> None:
    values = settings_under(tmp_path, **PRODUCTION_ENV, DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                            DATABASE_URL="postgres://otwarta:pw@db.internal:5432/otwarta")
    db = values["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True and db["CONN_MAX_AGE"] == 60
    assert db["OPTIONS"]["connect_timeout"] == 5
    assert db["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=30000"
    assert "pool" not in db["OPTIONS"]

    pooled = settings_under(tmp_path, **PRODUCTION_ENV, DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                            DATABASE_URL="postgres://otwarta:pw@db.internal:5432/otwarta",
                            DATABASE_POOL_MAX_SIZE="20", DATABASE_STATEMENT_TIMEOUT_MS="0", OTWARTA_PG_JIT="1")
    db = pooled["DATABASES"]["default"]
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 20, "timeout": 10}
    assert db["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert "options" not in db["OPTIONS"]


def test_psycopg_pool_is_installed_for_the_pool_option() -> None:
    from psycopg_pool import ConnectionPool

    assert ConnectionPool.__module__.startswith("psycopg_pool")


def test_sessions_survive_the_loss_of_redis(tmp_path: Path) -> None:
    with_redis = settings_under(tmp_path, REDIS_URL="redis://cache.internal:6379/0")
    cache = with_redis["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] == 1.0 and cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    # Written to the database, read through the cache: any app server, and a flushed Redis signs nobody out.
    assert with_redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    without = settings_under(tmp_path)
    assert without["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert without["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


# --- S3-compatible media storage ------------------------------------------------------------------------
S3_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "otwarta-media",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # noqa: S106 - moto's dummy credentials
    "AWS_S3_REGION_NAME": "us-east-1",
}


def test_s3_settings_and_media_origins_for_the_csp(tmp_path: Path) -> None:
    cdn = settings_under(tmp_path, **S3_ENV, AWS_S3_CUSTOM_DOMAIN="media.example.org/otwarta-media")
    options = cdn["STORAGES"]["default"]["OPTIONS"]
    assert cdn["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["querystring_auth"] is False and options["file_overwrite"] is False
    assert options["custom_domain"] == "media.example.org/otwarta-media"
    assert cdn["MEDIA_STORAGE_ORIGINS"] == ["https://media.example.org"]
    assert "https://media.example.org" in cdn["IMG_SRC"] and "https://media.example.org" in cdn["ADMIN_IMG_SRC"]
    assert cdn["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"  # private documents never as a public bucket URL

    minio = settings_under(tmp_path, **S3_ENV, AWS_S3_ENDPOINT_URL="https://s3.waw.io.cloud.ovh.net/")
    assert minio["STORAGES"]["default"]["OPTIONS"]["endpoint_url"] == "https://s3.waw.io.cloud.ovh.net"
    assert minio["STORAGES"]["default"]["OPTIONS"]["addressing_style"] == "path"
    assert "https://s3.waw.io.cloud.ovh.net" in minio["IMG_SRC"]

    local = settings_under(tmp_path)
    assert local["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["MEDIA_STORAGE_ORIGINS"] == [] and local["WAGTAILDOCS_SERVE_METHOD"] is None


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3_server: str, tmp_path: Path) -> Iterator[Any]:
    """The settings' own STORAGES for an S3-compatible endpoint (moto), with a fresh bucket."""
    import boto3

    bucket = f"otwarta-{secrets.token_hex(4)}"
    env = {**S3_ENV, "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": s3_server}
    storages = settings_under(tmp_path, **env)["STORAGES"]
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106
    client.create_bucket(Bucket=bucket)
    with override_settings(STORAGES=storages):
        from django.core.files.storage import default_storage

        yield default_storage, client, bucket


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_media_round_trip_through_s3(s3_storage: Any) -> None:
    storage, client, bucket = s3_storage
    from django.core.files.storage import storages

    assert type(storages["default"]).__name__ == "S3Storage"
    image = png_bytes()
    name = storage.save("original_images/plakat.png", ContentFile(image))
    assert name == "original_images/plakat.png"
    # The object really is in the bucket, and reads back byte for byte through Django's storage.
    assert client.get_object(Bucket=bucket, Key=name)["Body"].read() == image
    with storage.open(name) as handle:
        assert handle.read() == image
    assert storage.exists(name) and storage.size(name) == len(image)
    # Public URL without a signed query string (cacheable), on the configured endpoint.
    url = storage.url(name)
    assert "?" not in url and url.endswith(f"/{bucket}/{name}")
    # An upload with the same name never replaces the first file.
    second = storage.save("original_images/plakat.png", ContentFile(png_bytes((10, 10))))
    assert second != name and client.get_object(Bucket=bucket, Key=name)["Body"].read() == image
    document = b"%PDF-1.7\n% a form\n"
    doc_name = storage.save("documents/wniosek.pdf", ContentFile(document))
    assert client.get_object(Bucket=bucket, Key=doc_name)["Body"].read() == document
    storage.delete(doc_name)
    assert not storage.exists(doc_name)


@pytest.mark.django_db
def test_wagtail_image_and_rendition_are_stored_in_s3(s3_storage: Any) -> None:
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    _storage, client, bucket = s3_storage
    image = get_image_model().objects.create(title="Plakat", file=ImageFile(io.BytesIO(png_bytes((120, 90))),
                                                                             name="plakat.png"))
    assert (image.width, image.height) == (120, 90)
    rendition = image.get_rendition("fill-40x30")
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert image.file.name in keys and rendition.file.name in keys
    stored = client.get_object(Bucket=bucket, Key=rendition.file.name)["Body"].read()
    assert PILImage.open(io.BytesIO(stored)).size == (40, 30)
    assert rendition.url.startswith("http://127.0.0.1:") and "?" not in rendition.url


# --- OpenSearch ---------------------------------------------------------------------------------------------
def test_opensearch_url_selects_wagtails_opensearch_backend(tmp_path: Path) -> None:
    default = settings_under(tmp_path)["WAGTAILSEARCH_BACKENDS"]["default"]
    assert default["BACKEND"] == "wagtail.search.backends.database"
    config = settings_under(tmp_path, OPENSEARCH_URL="https://search.internal:9200")["WAGTAILSEARCH_BACKENDS"]
    assert config["default"]["BACKEND"] == "wagtail.search.backends.opensearch3"
    assert config["default"]["URLS"] == ["https://search.internal:9200"]

    from wagtail.search.backends import get_search_backend

    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        backend = get_search_backend()  # builds the opensearch-py client; no request is sent
    assert type(backend).__name__ == "OpenSearch3SearchBackend"
    assert backend.index_prefix == "otwarta_"
    assert backend.hosts[0]["host"] == "search.internal" and backend.hosts[0]["use_ssl"] is True


# --- stateless scale-out: the system checks -------------------------------------------------------------------
SCALE_OUT_OK: dict[str, Any] = {
    "PRODUCTION": True,
    "OTWARTA_WEB_HOSTS": 3,
    "CACHES": {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://r:6379/0"}},
    "STORAGES": {"default": {"BACKEND": "storages.backends.s3.S3Storage"},
                 "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
}


def check_ids(engine: str = "django.db.backends.postgresql", **overrides: Any) -> set[str]:
    with override_settings(**{**SCALE_OUT_OK, **overrides}, DATABASES={"default": {"ENGINE": engine}}):
        return {str(message.id) for message in production_checks.check_stateless_scale_out()}


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_scale_out_checks() -> None:
    assert check_ids() == set()
    assert check_ids(PRODUCTION=False, CACHES={"default": {"BACKEND": production_checks.LOCAL_CACHES[0]}}) == set()
    assert check_ids(CACHES={"default": {"BACKEND": production_checks.LOCAL_CACHES[0]}}) == {"otwarta.W040"}
    local_media = {**SCALE_OUT_OK["STORAGES"], "default": {"BACKEND": production_checks.LOCAL_STORAGE}}
    assert check_ids(STORAGES=local_media) == {"otwarta.W041"}
    assert check_ids(STORAGES=local_media, OTWARTA_SHARED_MEDIA_ROOT=True) == set()
    assert check_ids(STORAGES=local_media, OTWARTA_WEB_HOSTS=1) == set()  # one host: its disk is fine
    assert check_ids(engine=production_checks.SQLITE) == {"otwarta.W042"}
    assert check_ids(TASKS={"default": {"BACKEND": production_checks.IN_PROCESS_TASKS[1]}}) == {"otwarta.W043"}
    assert check_ids(SESSION_ENGINE="django.contrib.sessions.backends.cache") == {"otwarta.W044"}


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = ("import django; django.setup(); from django.core.management import call_command; "
            "call_command('check', '--deploy', '--fail-level', 'WARNING')")
    full_env = clean_env(tmp_path, **PRODUCTION_ENV, DJANGO_SECRET_KEY=secrets.token_urlsafe(64), **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env,  # noqa: S603
                          capture_output=True, text=True, timeout=180, check=False)


def test_check_deploy_is_clean_for_the_documented_scaled_out_environment(tmp_path: Path) -> None:
    """The environment of docs/deployment.md and deploy/compose.yaml (services need not answer: checks
    read settings only)."""
    result = deploy_check(tmp_path, DATABASE_URL="postgres://otwarta:pw@127.0.0.1:9/otwarta",
                          REDIS_URL="redis://127.0.0.1:9/0", OTWARTA_WEB_HOSTS="4",
                          AWS_S3_ENDPOINT_URL="http://127.0.0.1:9", **S3_ENV,
                          AWS_S3_CUSTOM_DOMAIN="media.example.org/otwarta-media")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_reports_state_that_cannot_be_shared(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, OTWARTA_WEB_HOSTS="2")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert {"otwarta.W040", "otwarta.W041", "otwarta.W042"} <= set(re.findall(r"otwarta\.W\d+", output))


# --- gunicorn and ASGI ------------------------------------------------------------------------------------
def test_gunicorn_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["workers"] == 3 and config["threads"] == 4
    assert config["keepalive"] > 60 and config["timeout"] == 60
    # The path without its query string (the situation guide's answers live in query strings).
    assert "%(U)s" in config["access_log_format"]
    assert not {"%(r)s", "%(q)s"} & set(re.findall(r"%\(\w+\)s", config["access_log_format"]))
    monkeypatch.delenv("GUNICORN_WORKERS")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["workers"] == 2 * len(os.sched_getaffinity(0)) + 1

    import otwarta.operations.metrics as metrics

    seen: list[Any] = []
    monkeypatch.setattr(metrics, "gunicorn_child_exit", lambda server, worker: seen.append(worker))
    config["child_exit"](None, "worker-1")
    assert seen == ["worker-1"]


def test_gunicorn_wipes_the_prometheus_directory_on_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["on_starting"](None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.django_db
def test_asgi_application_answers_the_health_probe() -> None:
    from asgiref.sync import async_to_sync
    from asgiref.testing import ApplicationCommunicator

    from otwarta.asgi import application

    async def probe() -> list[dict[str, Any]]:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": "/healthz", "raw_path": b"/healthz", "query_string": b"",
                 "headers": [(b"host", b"testserver")], "server": ("testserver", 80), "client": ("127.0.0.1", 1)}
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(10)
        body = await communicator.receive_output(10)
        return [start, body]

    start, body = async_to_sync(probe)()
    assert start["status"] == 200
    assert json.loads(body["body"])["status"] == "ok"


# --- container recipe and compose file --------------------------------------------------------------------
def compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_compose_file_has_the_stateless_stack() -> None:
    services = compose()["services"]
    expected = {"web", "worker", "scheduler", "nginx", "postgres", "redis", "minio", "opensearch", "migrate"}
    assert expected <= set(services)
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["opensearch"]["profiles"] == ["search"]
    for name in ("web", "nginx", "postgres", "redis", "minio", "opensearch"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    # Scalable with --scale web=N: no fixed name, no published port.
    assert "container_name" not in services["web"] and "ports" not in services["web"]
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_scheduler"]
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] and environment["DATABASE_URL"].startswith("postgres://")
        assert environment["OTWARTA_TASKS_BACKEND"] == "database"
    # Referenced files exist.
    for service in services.values():
        build = service.get("build")
        if build:
            context = (DEPLOY / build["context"]).resolve()
            assert (context / build.get("dockerfile", "Dockerfile")).is_file()


def test_compose_and_env_example_hold_no_secret() -> None:
    def walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)
        else:
            yield key, node

    for key, value in walk(compose()):
        if isinstance(value, str) and "://" in value and "@" in value:  # credentials inside a URL
            assert re.search(r"://[^:@/]+:\$\{[A-Z_]+:\?[^}]*\}@", value), value
        if SECRET_WORDS.search(key) and isinstance(value, str):
            assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", value), (key, value)
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        if SECRET_WORDS.search(name):
            assert value == "", f"{name} must be empty in env.example"


def test_dockerfile_matches_the_pdf_dependencies_and_runs_unprivileged() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm" in dockerfile
    script = (ROOT / "scripts" / "install-pdf-deps.sh").read_text()
    packages = re.search(r"PACKAGES=\(([^)]*)\)", script)
    assert packages
    for package in packages.group(1).split():
        assert package in dockerfile, package
    assert re.search(r"^USER otwarta$", dockerfile, re.MULTILINE)
    assert "collectstatic" in dockerfile and "compile_translations" in dockerfile
    assert re.search(r"HEALTHCHECK .*\n.*/healthz", dockerfile)
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var/", "deploy/.env"} <= set(ignored)
    nginx_dockerfile = (DEPLOY / "nginx" / "Dockerfile").read_text()
    assert "libnginx-mod-http-cache-purge" in nginx_dockerfile
    for copied in re.findall(r"^COPY (\S+) ", nginx_dockerfile, re.MULTILINE):
        assert (DEPLOY / "nginx" / copied).is_file()


# --- nginx ------------------------------------------------------------------------------------------------
needs_nginx = pytest.mark.skipif(NGINX is None or not any(p.exists() for p in PURGE_MODULES),
                                 reason="nginx and libnginx-mod-http-cache-purge (Debian) are not installed")


def nginx_main(tmp_path: Path, http_body: str) -> Path:
    module = next(p for p in PURGE_MODULES if p.exists())
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "cache", "static", "logs"):
        (tmp_path / name).mkdir(exist_ok=True)
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
load_module {module};
{user}
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    {http_body}
}}
""")
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess[str]:
    assert NGINX
    return subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True, timeout=30,  # noqa: S603
                          check=False)


@needs_nginx
def test_production_nginx_configuration_is_valid(tmp_path: Path) -> None:
    """deploy/nginx/otwarta.conf as deployed (certificate, cache, log and static paths moved to a temporary
    directory; the compose service name `web` replaced by an address, as nginx resolves it at start)."""
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",  # noqa: S607
                    "/CN=portal.example.org", "-keyout", str(key), "-out", str(cert)],
                   capture_output=True, check=True, timeout=60)
    site = (DEPLOY / "nginx" / "otwarta.conf").read_text()
    for old, new in (("/etc/nginx/otwarta-proxy.inc", str(DEPLOY / "nginx" / "otwarta-proxy.inc")),
                     ("/etc/nginx/tls/", f"{tmp_path}/"), ("/var/cache/nginx/otwarta", f"{tmp_path}/cache"),
                     ("/var/log/nginx/", f"{tmp_path}/logs/"), ("server web:8000", "server 127.0.0.1:9"),
                     ("listen 443 ", f"listen 127.0.0.1:{free_port()} "), ("listen [::]:443 ", "#"),
                     ("listen 80;", f"listen 127.0.0.1:{free_port()};"), ("listen [::]:80;", ""),
                     ("listen 8080;", f"listen 127.0.0.1:{free_port()};")):
        assert old in site, old
        site = site.replace(old, new)
    result = nginx_test(nginx_main(tmp_path, site))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class FakeApp(BaseHTTPRequestHandler):
    """An application server that counts its requests and marks pages cacheable like the page cache does."""

    hits: dict[str, int] = {}

    def do_GET(self) -> None:  # noqa: N802
        FakeApp.hits[self.path] = FakeApp.hits.get(self.path, 0) + 1
        body = f"page {self.path} #{FakeApp.hits[self.path]} proto={self.headers.get('X-Forwarded-Proto')}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Accel-Expires", "0" if self.path.startswith("/admin/") else "60")
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=b"x=1" if method == "POST" else None)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@needs_nginx
def test_micro_cache_bypass_and_purge(tmp_path: Path) -> None:
    """The proxy include in a plain-HTTP server (as the load benchmark uses it), in front of a stand-in app."""
    FakeApp.hits = {}
    app = ThreadingHTTPServer(("127.0.0.1", 0), FakeApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    port = free_port()
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.0123456789ab.css").write_text("body{}")
    conf = nginx_main(tmp_path, f"""
    proxy_cache_path {tmp_path}/cache levels=1:2 keys_zone=otwarta_pages:1m inactive=1h use_temp_path=off;
    upstream otwarta_app {{ server 127.0.0.1:{app.server_address[1]}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port};
        set $otwarta_static_root {tmp_path}/static;
        include {DEPLOY / "nginx" / "otwarta-proxy.inc"};
    }}""")
    assert NGINX
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        page = "/pl/instytucje/urzad/karta-pobytu/"
        status, headers, first = request(base + page)
        assert status == 200 and headers["X-Proxy-Cache"] == "MISS" and "proto=https" in first
        status, headers, second = request(base + page)
        assert headers["X-Proxy-Cache"] == "HIT" and second == first and FakeApp.hits[page] == 1
        # A signed-in user (production's cookie name, or development's) never gets nor fills the shared copy;
        # other cookies do not matter.
        _s, headers, own = request(base + page, headers={"Cookie": "lang=uk; __Host-sessionid=abc"})
        assert headers["X-Proxy-Cache"] == "BYPASS" and own.endswith("#2 proto=https")
        _s, headers, _b = request(base + page, headers={"Cookie": "sessionid=abc"})
        assert headers["X-Proxy-Cache"] == "BYPASS"
        _s, headers, _b = request(base + page, headers={"Cookie": "__Host-csrftoken=x; notsessionid=1"})
        assert headers["X-Proxy-Cache"] == "HIT"
        # POSTs and the admin always reach the application.
        request(base + page, method="POST")
        assert FakeApp.hits[page] == 4
        request(base + "/admin/pages/")
        request(base + "/admin/pages/")
        assert FakeApp.hits["/admin/pages/"] == 2
        # Wagtail's PURGE (from loopback: allowed) drops the copy; the next reader gets a fresh page.
        status, _h, _b = request(base + page, method="PURGE")
        assert status == 200
        _s, headers, fresh = request(base + page)
        assert headers["X-Proxy-Cache"] == "MISS" and fresh.endswith("#5 proto=https")
        _s, headers, _b = request(base + page)
        assert headers["X-Proxy-Cache"] == "HIT"
        # The purge location is internal: it cannot be fetched directly.
        assert request(base + "/__otwarta_purge")[0] == 404
        # Hashed static files come from disk with a year of caching, never from the application.
        status, headers, css = request(base + "/static/site.0123456789ab.css")
        assert status == 200 and css == "body{}" and "max-age=31536000" in headers["Cache-Control"]
        assert not any(path.startswith("/static/") for path in FakeApp.hits)
    finally:
        process.terminate()
        process.wait(timeout=10)
        app.shutdown()
