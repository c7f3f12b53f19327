"""Structured logs (docs/operations.md): one line per request on the ``otwarta.request`` logger, JSON
lines (python-json-logger) when ``OTWARTA_LOG_FORMAT=json``, plain text otherwise. The request id is kept in
a context variable so that every other log line written while the request runs carries it too."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str] = ContextVar("otwarta_request_id", default="-")

# An incoming X-Request-ID is kept when it looks like an id (a load balancer's, a UUID); anything else is
# replaced, so a client cannot write arbitrary text into the logs.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}")

REQUEST_FIELDS = ("request_id", "method", "path", "route", "status", "duration_ms", "cache", "user_id")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's id, ``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message and the record's extra fields."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def format(self, record: logging.LogRecord) -> str:
        # The per-request line (ObservabilityMiddleware) has fixed fields: serialised directly, a few times
        # cheaper than the generic path, which inspects every attribute of the record.
        if getattr(record, "http_request", False) and not record.exc_info:
            data: dict[str, Any] = {"time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
                    "level": record.levelname, "logger": record.name, "message": record.getMessage()}
            for name in REQUEST_FIELDS:
                data[name] = getattr(record, name, None)
            return json.dumps(data, ensure_ascii=False, default=str)
        return super().format(record)
