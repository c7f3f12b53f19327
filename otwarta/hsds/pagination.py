"""Query-string parsing and the HSDS ``Page`` object of the read API (see docs/hsds-api.md)."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
# ``minimal=true`` asks for ids and modification times only; the HSDS spec says such a listing should
# aim to fit on one page, so it may be much longer.
MAX_PER_PAGE_MINIMAL = 1000


class ApiError(Exception):
    """A client error answered as JSON (``status`` 400 or 404)."""

    def __init__(self, message: str, *, status: int = 400, parameter: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.parameter = parameter

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "error": "Not Found" if self.status == 404 else "Bad Request",
                                "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return body


def _value(params: QueryDict, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    value = value.strip()
    if "\x00" in value:  # PostgreSQL refuses NUL in text
        raise ApiError(f"'{name}' contains a NUL character.", parameter=name)
    return value or None


def int_param(params: QueryDict, name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = _value(params, name)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ApiError(f"'{name}' must be a whole number.", parameter=name) from None
    if number < minimum:
        raise ApiError(f"'{name}' must be at least {minimum}.", parameter=name)
    return min(number, maximum) if maximum is not None else number


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def bool_param(params: QueryDict, name: str) -> bool:
    raw = _value(params, name)
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ApiError(f"'{name}' must be true or false.", parameter=name)


def uuid_param(params: QueryDict, name: str) -> uuid.UUID | None:
    raw = _value(params, name)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ApiError(f"'{name}' must be an id (a UUID).", parameter=name) from None


def datetime_param(params: QueryDict, name: str) -> dt.datetime | None:
    """An ISO 8601 date-time (or a date, meaning its midnight in Poland). A ``+`` of the UTC offset that
    was not percent-encoded arrives as a space and is read as ``+``."""
    raw = _value(params, name)
    if raw is None:
        return None
    candidates = [raw, raw.replace(" ", "+")] if " " in raw else [raw]
    for candidate in candidates:
        try:
            parsed = parse_datetime(candidate)
            if parsed is None and (day := parse_date(candidate)) is not None:
                parsed = dt.datetime.combine(day, dt.time())
        except ValueError:
            parsed = None
        if parsed is not None:
            aware = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
            try:
                # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (up to ±23:59).
                return aware.astimezone(dt.UTC)
            except (OverflowError, ValueError):
                break
    raise ApiError(f"'{name}' must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00+01:00.", parameter=name)


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @classmethod
    def from_params(cls, params: QueryDict, *, minimal: bool = False) -> PageRequest:
        cap = MAX_PER_PAGE_MINIMAL if minimal else MAX_PER_PAGE
        return cls(page=int_param(params, "page", 1),
                   per_page=int_param(params, "per_page", cap if minimal else DEFAULT_PER_PAGE, maximum=cap))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def page_object(request: PageRequest, total: int, contents: Sequence[Any]) -> dict[str, Any]:
    """The HSDS ``Page`` object (openapi.json ``#/components/schemas/Page``) with its ``contents``."""
    total_pages = math.ceil(total / request.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= total_pages,
        "empty": len(contents) == 0,
        "contents": list(contents),
    }


def paginate(queryset: Any, request: PageRequest, serialize: Callable[[list[Any]], list[Any]]) -> dict[str, Any]:
    """One page of ``queryset``: a COUNT and one query for the rows (plus what ``serialize`` prefetches)."""
    total = queryset.count()
    rows = list(queryset[request.offset:request.offset + request.per_page]) if request.offset < total else []
    return page_object(request, total, serialize(rows))
