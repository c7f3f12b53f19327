"""Prometheus metrics (prometheus-client) served at ``/metrics`` (docs/operations.md).

Request metrics are counted per process by ObservabilityMiddleware. With several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, wiped at each start) before the workers start: the client
then keeps its values in memory-mapped files there and a scrape of any worker sums all workers. Call
``gunicorn_child_exit`` from gunicorn's ``child_exit`` hook so a dead worker's gauges are dropped.

The queue and database gauges are read when Prometheus scrapes (one cheap query each), not per request.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from otwarta.core.middleware import client_ip_address, database_is_up

LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "otwarta_http_requests", "HTTP requests answered, by method, route name and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "otwarta_http_request_duration_seconds", "Time from the first middleware until the response is returned.",
    ["route"], buckets=LATENCY_BUCKETS,
)
PAGE_CACHE = Counter(
    "otwarta_page_cache_responses", "Responses by full-page cache result (X-Cache header; none when absent).",
    ["result"],
)

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CACHE_RESULTS = {"HIT": "hit", "MISS": "miss", "BYPASS": "bypass", "STALE": "stale"}


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class OperationalCollector(Collector):
    """Gauges read at scrape time: database up, task queue depth by status, oldest ready task age."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        up = database_is_up()
        yield GaugeMetricFamily("otwarta_database_up", "1 when the database answers SELECT 1.", value=int(up))
        if not up or "django_tasks_db" not in settings.INSTALLED_APPS:
            return
        from django.db import DatabaseError
        from django.db.models import Count
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from otwarta.operations.readiness import oldest_ready_task_age

        try:
            by_status = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
            _count, age = oldest_ready_task_age()
        except DatabaseError:
            return
        depth = GaugeMetricFamily("otwarta_task_queue_depth", "Tasks in the database queue by status.",
                                  labels=["status"])
        for status in TaskResultStatus:
            depth.add_metric([status.value.lower()], by_status.get(status.value, 0))
        yield depth
        yield GaugeMetricFamily("otwarta_task_queue_oldest_ready_age_seconds",
                                "Age of the oldest task that is ready to run (0 when none waits).",
                                value=age or 0.0)


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)  # this process's counters plus the process/platform collectors
    registry.register(OperationalCollector())
    return registry


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def allowed_networks() -> tuple[Any, ...]:
    return _networks(tuple(getattr(settings, "OTWARTA_METRICS_ALLOWED_IPS", ("127.0.0.1", "::1"))))


def scrape_allowed(request: HttpRequest) -> bool:
    """A scrape is allowed with the Bearer token ``OTWARTA_METRICS_TOKEN``, or from an address in
    ``OTWARTA_METRICS_ALLOWED_IPS`` (the client's address: behind trusted proxies, from X-Forwarded-For)."""
    token = getattr(settings, "OTWARTA_METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    address = client_ip_address(request)
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in allowed_networks())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        response = HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# Labelled children by label values: ``labels()`` takes a lock and builds a key on every call; the set of
# routes, methods and statuses is small, so looking the child up in a plain dict keeps a request at ~1 µs.
_request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
_cache_children: dict[str, Any] = {}


def observe(method: str, route: str, status: int, seconds: float, cache_header: str | None) -> None:
    if method not in KNOWN_METHODS:
        method = "other"
    key = (method, route, status)
    children = _request_children.get(key)
    if children is None:
        children = _request_children[key] = (
            HTTP_REQUESTS.labels(method, route, str(status)),
            HTTP_LATENCY.labels(route),
        )
    children[0].inc()
    children[1].observe(seconds)
    result = CACHE_RESULTS.get(cache_header.upper(), "other") if cache_header else "none"
    cache_child = _cache_children.get(result)
    if cache_child is None:
        cache_child = _cache_children[result] = PAGE_CACHE.labels(result)
    cache_child.inc()


def gunicorn_child_exit(server: Any, worker: Any) -> None:
    """For gunicorn's ``child_exit`` hook (deploy/gunicorn.conf.py)::

        def child_exit(server, worker):
            from otwarta.operations.metrics import gunicorn_child_exit
            gunicorn_child_exit(server, worker)
    """
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
