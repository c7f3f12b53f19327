"""Gunicorn configuration for the production web process (docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py otwarta.wsgi:application

Every value can be overridden by the environment (GUNICORN_*, or gunicorn's own GUNICORN_CMD_ARGS).
Threaded workers (gthread): a request mostly waits on PostgreSQL and Redis, so a few threads per process
serve more readers than more processes would, at a fraction of the memory.
"""

from __future__ import annotations

import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def cpu_count() -> int:
    """CPUs this process may run on (the container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2 * cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
# Connections from the reverse proxy are kept open between requests (nginx: keepalive in the upstream).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# A worker silent for this long is killed and replaced; the proxy's read timeout should be a little longer.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then (a slow memory leak in a dependency cannot grow for ever); the jitter
# keeps all workers from restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# The application is imported once in the arbiter, then forked: faster starts, shared memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Only the reverse proxy may set X-Forwarded-* (the app reads the client address with its own hop count).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  (heartbeat file, not data)

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Gunicorn's default format, but with the path WITHOUT its query string (%(U)s, not the request line %(r)s):
# the situation guide's answers live in the query string and must never be stored (same as the Makefile).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
proc_name = "otwarta-web"


def on_starting(server: Any) -> None:
    """Prometheus' multiprocess directory must start empty (otwarta/operations/metrics.py)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server: Any, worker: Any) -> None:
    """Tell the Prometheus metrics (otwarta.operations.metrics, when installed) that a worker died, so that
    its multiprocess files are cleaned up."""
    try:
        from otwarta.operations.metrics import gunicorn_child_exit
    except ImportError:
        return
    gunicorn_child_exit(server, worker)
