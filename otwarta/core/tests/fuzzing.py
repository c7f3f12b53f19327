"""Support for the fuzz tests (``pytest -m fuzz``): one request counter per target, shared by the fuzz
modules of a test session, and a request helper that fails on any server error or traceback.

Split of the at least 5,000 generated requests (``test_fuzz_total.py`` checks the sum):
``test_fuzz_openapi.py`` (schemathesis, every operation of /api/hsds/openapi.json) and
``test_fuzz_public.py`` (hypothesis: search, directory, registers, forms library, situation guide, pathway,
print packs, interpreter request form, HSDS query strings, random paths and headers). Each test asserts
its own share (``SHARES``). ``FUZZ_COUNTS_FILE`` (default ``var/fuzz-counts.json``) receives the counts;
``benchmarks/fuzz_report.py`` runs the set and prints them."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from django.test import Client

COUNTS: Counter[str] = Counter()
MINIMUM_TOTAL = 5000
# The requests each target must have made (their sum is above MINIMUM_TOTAL).
SHARES: dict[str, int] = {
    "hsds-openapi (schemathesis)": 1400,
    "hsds query strings": 400,
    "site search": 400,
    "directory filters": 500,
    "registers filters": 300,
    "forms library": 300,
    "situation guide answers": 400,
    "pathway answers": 300,
    "print pack URLs": 300,
    "interpreter request form": 400,
    "paths and headers": 400,
}
TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b"Internal Server Error")
COUNTS_FILE = Path(os.environ.get("FUZZ_COUNTS_FILE", Path(__file__).resolve().parents[3] / "var" / "fuzz-counts.json"))


def record(target: str, count: int = 1) -> None:
    COUNTS[target] += count


def save() -> None:
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    COUNTS_FILE.write_text(json.dumps(dict(COUNTS), indent=1, ensure_ascii=False))


def check(status: int, body: bytes, what: str) -> None:
    assert status < 500, f"{what}: server error {status}"
    for marker in TRACEBACK_MARKERS:
        assert marker not in body, f"{what}: {marker.decode()} in the body"


def fetch(client: Client, target: str, method: str, path: str, data: Any = None, **headers: str) -> Any:
    """One request of ``target``; fails on a 5xx or a traceback in the body."""
    record(target)
    if method == "GET":
        response = client.get(path, data, headers=headers)
    else:
        response = client.post(path, data or {}, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    check(response.status_code, body, f"{method} {path} {data!r} {headers!r}")
    return response


def fuzz_client() -> Client:
    """A test client that raises the view's exception (hypothesis then shows the request that caused it)."""
    return Client()
