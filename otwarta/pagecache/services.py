"""The anonymous full-page cache: keys, entries, the generation number and purges (docs/page-cache.md).

Every entry is stored with the *generation* current when it was rendered. Bumping the generation
(:func:`invalidate_all`) makes every entry stale at once, in one cache write, whatever the cache backend:
no key scanning, and no need to know which pages show an edited snippet. Each entry also has a
last-good copy under a second key with a long lifetime, served when the application cannot answer
(stale-if-error, ``X-Cache: STALE``), even after a bump.

Settings (``otwarta/settings.py``):

* ``OTWARTA_PAGE_CACHE_ENABLED`` – off: every request is ``BYPASS``.
* ``OTWARTA_PAGE_CACHE_SECONDS`` – lifetime of an entry (pages showing the time of day, "open now",
  "checked N days ago" are at most this old even without an edit).
* ``OTWARTA_PAGE_CACHE_STALE_SECONDS`` – lifetime of the last-good copy served when the database is down.
* ``OTWARTA_PAGE_CACHE_MAX_BYTES`` – larger responses are not stored.
* ``OTWARTA_PROXY_CACHE_SECONDS`` – ``X-Accel-Expires`` / ``Surrogate-Control`` for nginx and CDNs.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import InvalidCacheBackendError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "pagecache:generation"
ENTRY_PREFIX = "pagecache:e:"
STALE_PREFIX = "pagecache:s:"
LOCK_PREFIX = "pagecache:l:"
# Seconds one request may spend re-rendering an outdated entry while others still get the old copy.
LOCK_SECONDS = 15

# Response attributes set by django-csp's decorators: kept with the entry so that a hit gets the same policy.
CSP_ATTRIBUTES = ("_csp_exempt", "_csp_config", "_csp_update", "_csp_replace",
                  "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


def get_cache() -> BaseCache:
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:  # a settings module without the alias: share the default cache
        return caches["default"]


def enabled() -> bool:
    return bool(getattr(settings, "OTWARTA_PAGE_CACHE_ENABLED", True))


def entry_seconds() -> int:
    return int(getattr(settings, "OTWARTA_PAGE_CACHE_SECONDS", 300))


def stale_seconds() -> int:
    return int(getattr(settings, "OTWARTA_PAGE_CACHE_STALE_SECONDS", 7 * 24 * 3600))


def max_bytes() -> int:
    return int(getattr(settings, "OTWARTA_PAGE_CACHE_MAX_BYTES", 2 * 1024 * 1024))


def proxy_seconds() -> int:
    return int(getattr(settings, "OTWARTA_PROXY_CACHE_SECONDS", 10))


def key_digest(host: str, path: str, query: str, language: str) -> str:
    raw = "\n".join((host.lower(), path, query, language)).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


@dataclass(slots=True)
class Entry:
    """One stored response. ``body`` is gzip-compressed when ``gzipped`` (compressed once, at store time)."""

    generation: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    gzipped: bool
    etag: str  # the strong validator of the uncompressed body, without quotes
    last_modified: int  # seconds since the epoch
    length: int  # length of the uncompressed body
    attributes: dict[str, Any] = field(default_factory=dict)


def current_generation(cache: BaseCache | None = None) -> str:
    """The generation number, created on first use (and again if the cache lost it: everything is stale)."""
    cache = cache or get_cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def invalidate_all(reason: str = "") -> str:
    """Make every cached page stale (they are re-rendered on their next request). Public API: call it
    after changing content without model signals (``QuerySet.update()``, raw SQL, a restore).
    The last-good copies used when the database is down are kept. Returns the new generation."""
    generation = uuid.uuid4().hex
    try:
        get_cache().set(GENERATION_KEY, generation, timeout=None)
    except Exception:  # a cache outage must not break the save that triggered the purge
        logger.exception("page cache: could not bump the generation (%s)", reason)
        return ""
    logger.debug("page cache invalidated: %s", reason)
    return generation


def clear() -> None:
    """Drop every entry and last-good copy (tests, ``manage.py`` maintenance)."""
    get_cache().clear()
