#!/usr/bin/env python
"""Load benchmark: the production server under a spike, against nginx serving a static copy of the same pages.

    .venv/bin/python benchmarks/load.py                       # 60 s per server, 200 connections
    .venv/bin/python benchmarks/load.py --duration 20 --connections 100
    make bench-load                                           # installs nginx and wrk from Debian first

In one run, on loopback, with wrk (Debian's package) as the load generator:

1. builds a throw-away portal in a temporary directory (``migrate`` + ``load_demo`` on SQLite, or the database
   given with ``--database-url``), collects the static files with the production storage and exports the
   crisis-mode static copy (``manage.py export_static``) of the same portal;
2. starts the production server as deployed (docs/deployment.md): gunicorn with ``deploy/gunicorn.conf.py``
   under ``DJANGO_ENV=production`` (Redis as the cache when it answers on 127.0.0.1:6379), behind nginx with
   the production proxy and micro-cache directives (``deploy/nginx/otwarta-proxy.inc``, the same file the
   TLS server block includes); in the same nginx, a second server serves the static copy;
3. requests the same article URLs (every language, rotated request by request) from: the static copy (the
   baseline), the production server (nginx → gunicorn), and gunicorn alone (the application's own page
   cache, without the proxy tier), each for ``--duration`` seconds at ``--connections`` connections after a
   warm-up;
4. prints throughput, latency percentiles, errors and non-2xx answers of each, the ratio of the production
   server to the static copy, and whether the issue's targets hold (production ≥ ½ of nginx's throughput,
   p99 < 20 ms, no errors).

TLS is not part of the measurement (the proxy block is the same; TLS would cost both servers alike):
requests carry ``X-Forwarded-Proto: https`` as the TLS-terminating proxy would set it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PURGE_MODULES = ("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so",
                 "/usr/share/nginx/modules/ngx_http_cache_purge_module.so")
PROXY_INCLUDE = ROOT / "deploy" / "nginx" / "otwarta-proxy.inc"

# wrk's Lua hooks: rotate over the URL list and print the figures as one JSON line at the end.
WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local counter = 0
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Encoding"] = "gzip"
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d, "max": %d, "mean": %.1f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per server (default 60)")
    parser.add_argument("--connections", type=int, default=200, help="concurrent connections (default 200)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1: wrk shares the cores)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up load per server (default 5)")
    parser.add_argument("--workers", type=int, default=0,
                        help="gunicorn workers (default: deploy/gunicorn.conf.py's own choice)")
    parser.add_argument("--articles-per-language", type=int, default=2)
    parser.add_argument("--database-url", default="", help="use this database (migrated, demo loaded) "
                        "instead of a temporary SQLite one; give it a database of its own")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13",
                        help="cache of the production server (default db 13 of the local Redis; flushed at "
                             "the start and the end; '' for the in-process cache)")
    parser.add_argument("--skip-direct", action="store_true", help="do not measure gunicorn without nginx")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1:
        parser.error("--duration and --connections must be at least 1")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback only)
                response.read()
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def redis_answers(url: str) -> bool:
    if not url:
        return False
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@dataclass
class Environment:
    tmp: Path
    base: dict[str, str]
    production: dict[str, str]


def make_environment(args: argparse.Namespace, redis_url: str) -> Environment:
    tmp = Path(tempfile.mkdtemp(prefix="otwarta-load-"))
    tmp.chmod(0o755)  # nginx's workers may run as another user
    (tmp / "static").mkdir()
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "OTWARTA_STATIC_ROOT", "OTWARTA_MEDIA_ROOT", "DJANGO_ENV")}
    base.update({"OTWARTA_VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "otwarta.settings",
                 "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)})
    if args.database_url:
        base["DATABASE_URL"] = args.database_url
    production = dict(base)
    production.update({
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OTWARTA_SITE_URL": "https://127.0.0.1",
        "OTWARTA_TASKS_BACKEND": "immediate",
        "OTWARTA_LOG_FORMAT": "json",
    })
    if redis_url:
        production["REDIS_URL"] = redis_url
    return Environment(tmp, base, production)


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *arguments], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def prepare_portal(env: Environment, per_language: int, say) -> list[str]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    development = dict(env.base, DJANGO_ENV="development", DJANGO_DEBUG="0", OTWARTA_TASKS_BACKEND="immediate")
    manage(development, "migrate", "--noinput", "--verbosity", "0")
    manage(development, "compile_translations")
    manage(development, "load_demo", "--no-pdfs")
    say(f"portal built: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    manage(env.production, "collectstatic", "--noinput", "--verbosity", "0")
    manage(development, "export_static", str(env.tmp / "copy"), "--clean")
    # The baseline at its best: every text file precompressed once for nginx's gzip_static, as a CDN-ready
    # static copy would be (nginx then sends bytes from disk, no compression per request).
    for path in list((env.tmp / "copy").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".css", ".js", ".svg", ".xml", ".txt", ".json"):
            gz = path.with_name(path.name + ".gz")
            with path.open("rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
                shutil.copyfileobj(src, dst)
    for path in (env.tmp / "copy").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    say(f"static files collected and static copy exported: {time.perf_counter() - started:.0f} s")
    out = subprocess.run(
        [PYTHON, "-c", (
            "import django,sys; django.setup()\n"
            "from otwarta.portal.models import ArticlePage\n"
            "from wagtail.models import Locale\n"
            f"n={int(per_language)}\n"
            "for locale in Locale.objects.order_by('language_code'):\n"
            "    pages=list(ArticlePage.objects.live().public().filter(locale=locale).order_by('path'))\n"
            "    step=max(1,len(pages)//max(n,1))\n"
            "    for p in pages[::step][:n]: print(p.get_url())\n")],
        env=development, cwd=ROOT, check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line.startswith("/")]



def nginx_config(env: Environment, app_port: int, proxy_port: int, static_port: int) -> Path:
    module = next((m for m in PURGE_MODULES if Path(m).exists()), None)
    user = "root root" if os.geteuid() == 0 else ""
    cache = env.tmp / "nginx-cache"
    cache.mkdir(exist_ok=True)
    conf = f"""
{f"load_module {module};" if module else ""}
{f"user {user};" if user else ""}
worker_processes auto;
pid {env.tmp}/nginx.pid;
error_log {env.tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {env.tmp}/nginx-body;
    proxy_temp_path {env.tmp}/nginx-proxy;
    fastcgi_temp_path {env.tmp}/nginx-fastcgi;
    uwsgi_temp_path {env.tmp}/nginx-uwsgi;
    scgi_temp_path {env.tmp}/nginx-scgi;
    proxy_cache_path {cache} levels=1:2 keys_zone=otwarta_pages:20m max_size=1g inactive=1h use_temp_path=off;
    upstream otwarta_app {{ server 127.0.0.1:{app_port}; keepalive 64; }}
    # The production server: the same proxy and micro-cache directives as deploy/nginx/otwarta.conf.
    server {{
        listen 127.0.0.1:{proxy_port} reuseport;
        server_name localhost;
        set $otwarta_static_root {env.tmp}/static;
        include {PROXY_INCLUDE};
    }}
    # The baseline: a static copy of the same pages (manage.py export_static).
    server {{
        listen 127.0.0.1:{static_port} reuseport;
        server_name localhost;
        root {env.tmp}/copy;
        index index.html;
        gzip_static on;
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
"""
    path = env.tmp / "nginx.conf"
    path.write_text(conf)
    return path


def run_wrk(url: str, paths_file: Path, args: argparse.Namespace, duration: int, script: Path) -> dict[str, float]:
    command = [WRK, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s",
               "-s", str(script), url]
    out = subprocess.run(command, env={**os.environ, "WRK_PATHS": str(paths_file)}, capture_output=True,
                         text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    result: dict[str, float] = json.loads(line.removeprefix("WRKJSON "))
    result["rps"] = result["requests"] / result["seconds"] if result["seconds"] else 0.0
    result["errors"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    return result


def print_results(rows: list[tuple[str, dict[str, float]]], args: argparse.Namespace, urls: int) -> None:
    print()
    print(f"{args.connections} connections, {args.threads} wrk threads, {args.duration} s per server, "
          f"{urls} article URLs in rotation; latency in ms")
    header = (f"{'server':46} {'req/s':>9} {'p50':>6} {'p90':>6} {'p99':>6} {'p99.9':>6} {'max':>7} "
              f"{'errors':>6} {'non-2xx':>7}")
    print(header)
    print("-" * len(header))
    for name, r in rows:
        print(f"{name:46} {r['rps']:9.0f} {r['p50'] / 1000:6.2f} {r['p90'] / 1000:6.2f} {r['p99'] / 1000:6.2f} "
              f"{r['p999'] / 1000:6.2f} {r['max'] / 1000:7.1f} {r['errors']:6.0f} {r['status']:7.0f}")
    static = rows[0][1]
    production = rows[1][1]
    ratio = production["rps"] / static["rps"] if static["rps"] else 0.0
    print()
    print(f"ratio production / static copy (throughput): {ratio:.2f}")
    if len(rows) > 2:
        direct = rows[2][1]
        print(f"ratio gunicorn alone / static copy (throughput): "
              f"{direct['rps'] / static['rps'] if static['rps'] else 0:.2f}")
    checks = [
        ("production throughput ≥ ½ of nginx's static copy", ratio >= 0.5),
        ("production p99 < 20 ms", production["p99"] < 20_000),
        ("production: no errors and no non-2xx answers", production["errors"] == 0 and production["status"] == 0),
    ]
    for label, ok in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    print(f"load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"CPUs: {os.cpu_count()}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in (NGINX, WRK):
        if not Path(tool).exists():
            print(f"{tool} is missing: run `make bench-load` (installs nginx and wrk from Debian)", file=sys.stderr)
            return 2
    if not PROXY_INCLUDE.exists():
        print(f"{PROXY_INCLUDE} is missing", file=sys.stderr)
        return 2

    def say(message: str) -> None:
        print(message, flush=True)

    redis_url = args.redis_url if redis_answers(args.redis_url) else ""
    say(f"cache of the production server: {'Redis ' + redis_url if redis_url else 'in-process (Redis not reachable)'}")
    if redis_url:
        flush_redis(redis_url)
    env = make_environment(args, redis_url)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        paths = prepare_portal(env, args.articles_per_language, say)
        if not paths:
            say("no article pages: nothing to measure")
            return 1
        paths_file = env.tmp / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        app_port, proxy_port, static_port = free_port(), free_port(), free_port()
        gunicorn = [str(Path(PYTHON).parent / "gunicorn"), "otwarta.wsgi:application", "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{app_port}",
                    "--access-logfile", "/dev/null", "--error-logfile", str(env.tmp / "gunicorn.log")]
        if args.workers:
            gunicorn += ["--workers", str(args.workers)]
        processes.append(subprocess.Popen(gunicorn, env=env.production, cwd=ROOT,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        conf = nginx_config(env, app_port, proxy_port, static_port)
        processes.append(subprocess.Popen([NGINX, "-c", str(conf), "-p", str(env.tmp), "-g", "daemon off;"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        wait_for(f"http://127.0.0.1:{static_port}{paths[0]}")
        say(f"gunicorn on {app_port}, production proxy on {proxy_port}, static copy on {static_port}")

        # The same page from each server: status, and the same title.
        for path in paths:
            results = [fetch(f"http://127.0.0.1:{port}{path}") for port in (static_port, proxy_port, app_port)]
            for status, _headers, _body in results:
                if status != 200:
                    raise SystemExit(f"{path}: HTTP {status} from one of the servers")
            titles = {body.split(b"<title>", 1)[-1].split(b"</title>", 1)[0] for _s, _h, body in results}
            if len(titles) != 1:
                raise SystemExit(f"{path}: the servers answer different pages: {titles}")
        say(f"{len(paths)} article URLs answer 200 with the same page from all three servers")
        _s, headers, _b = fetch(f"http://127.0.0.1:{proxy_port}{paths[0]}")
        say("production server, a repeated request: "
            + ", ".join(f"{name}: {headers.get(name, '(absent)')}" for name in ("X-Proxy-Cache", "X-Cache")))
        if os.environ.get("OTWARTA_LOAD_DEBUG"):
            say(json.dumps(headers, indent=1))

        script = env.tmp / "rotate.lua"
        script.write_text(WRK_SCRIPT)
        targets = [("nginx, static copy (baseline)", static_port),
                   ("production: nginx micro-cache → gunicorn", proxy_port)]
        if not args.skip_direct:
            targets.append(("gunicorn alone (application page cache)", app_port))
        rows = []
        for name, port in targets:
            url = f"http://127.0.0.1:{port}"
            run_wrk(url, paths_file, args, args.warmup, script)
            say(f"measuring {name} for {args.duration} s …")
            rows.append((name, run_wrk(url, paths_file, args, args.duration, script)))
        # Cache results seen by the application during the run (its page cache sets X-Cache).
        _s, headers, _b = fetch(f"http://127.0.0.1:{app_port}{paths[0]}")
        say(f"application page cache on a repeated request: X-Cache: {headers.get('X-Cache', '(absent)')}")
        print_results(rows, args, len(paths))
        return 0
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if redis_url:
            flush_redis(redis_url)
        if args.keep:
            print(f"kept {env.tmp}")
        else:
            shutil.rmtree(env.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
