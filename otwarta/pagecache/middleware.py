"""``PageCacheMiddleware``: the anonymous full-page cache (docs/page-cache.md).

It sits right after WhiteNoise, before GZip, sessions, locale and authentication, so a hit costs one cache
round trip (``get_many`` of the entry and the generation number) and touches neither the session nor the
database. Every response it handles carries ``X-Cache``:

* ``HIT``    – served from the cache;
* ``MISS``   – the cache was consulted, the page rendered (and stored when the response allows it);
* ``BYPASS`` – the request may not use the cache (not a page URL, not GET/HEAD, signed in, ...);
* ``STALE``  – the application failed (database down) and the last good copy was served.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.text import compress_string

from . import services
from .services import Entry

logger = logging.getLogger(__name__)

# Paths under a language prefix that are never cached (besides what the response itself forbids).
DEFAULT_EXCLUDED_PREFIXES: tuple[str, ...] = ()
# Headers recomputed for each response rather than stored.
NOT_STORED = {"content-length", "content-encoding", "etag", "last-modified", "x-cache", "date", "vary",
              "x-accel-expires", "surrogate-control"}
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|javascript|xml|xhtml\+xml|ld\+json|rss\+xml|atom\+xml)|image/svg)"
)
UNCACHEABLE_DIRECTIVES = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)
GZIP_ACCEPTED = re.compile(r"\bgzip\b(?!\s*;\s*q=0(\.0*)?\s*(,|$))", re.IGNORECASE)
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"


def shared_cache_control(seconds: int) -> str:
    """Browsers revalidate every time (max-age=0, a cheap 304); shared caches (nginx, a CDN) may keep the
    page ``seconds`` (s-maxage, which nginx and CDNs read before max-age)."""
    return f"public, max-age=0, s-maxage={seconds}, must-revalidate" if seconds > 0 else PUBLIC_CACHE_CONTROL


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(GZIP_ACCEPTED.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _etag_for(entry: Entry, gzipped: bool) -> str:
    return f'"{entry.etag}-gz"' if gzipped else f'"{entry.etag}"'


def _if_none_match_matches(header: str, entry: Entry) -> bool:
    if header.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return bool(tags & {f'"{entry.etag}"', f'"{entry.etag}-gz"'})


def dated(generation: str | None) -> str | None:
    """The generation an entry must carry today. Pages say things that depend on the date (a review date
    passed, this week's opening hours), so an entry rendered yesterday is outdated like one from before a
    publication (its stale-if-error copy stays: the key itself has no date)."""
    return None if generation is None else f"{generation}@{timezone.localdate().isoformat()}"


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}
        self.bypass_cookies = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages"))
        self.excluded = tuple(getattr(settings, "OTWARTA_PAGE_CACHE_EXCLUDED_PREFIXES", DEFAULT_EXCLUDED_PREFIXES))

    # --- request rules --------------------------------------------------------------------------------
    def page_language(self, request: HttpRequest) -> str | None:
        """The language of a page URL (``/<language>/...``), or None for everything else (admin, API,
        documents, media, health and metrics endpoints, the un-prefixed root)."""
        path = request.path
        first = path[1:].split("/", 1)[0] if path.startswith("/") else ""
        if first not in self.languages or path == f"/{first}":
            return None
        if self.excluded and path.startswith(self.excluded):
            return None
        return first

    def bypass_reason(self, request: HttpRequest) -> str | None:
        if not services.enabled():
            return "disabled"
        if request.method not in ("GET", "HEAD"):
            return "method"
        if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
            return "preview"
        cookies = request.COOKIES
        if cookies and any(name in cookies for name in self.bypass_cookies):
            return "cookie"
        if "HTTP_AUTHORIZATION" in request.META:
            return "authorization"
        return None

    # --- the middleware ---------------------------------------------------------------------------------
    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = self.page_language(request)
        reason = self.bypass_reason(request) if language else "not a page"
        if reason is not None:
            response = self.get_response(request)
            if language and request.method in ("GET", "HEAD") and response.status_code >= 500:
                stale = self.serve_stale(request, language, response)
                if stale is not None:
                    return stale
            return self.mark_bypass(response, page=language is not None)
        assert language is not None
        try:
            host = request.get_host()
        except DisallowedHost:
            return self.mark_bypass(self.get_response(request))
        digest = services.key_digest(host, request.path, request.META.get("QUERY_STRING", ""), language)
        entry_key = services.ENTRY_PREFIX + digest
        cache = services.get_cache()
        try:
            found = cache.get_many([entry_key, services.GENERATION_KEY])
        except Exception:  # the cache is down: render as if there were no cache
            logger.warning("page cache unavailable", exc_info=True)
            return self.mark_bypass(self.get_response(request))
        entry: Entry | None = found.get(entry_key)
        generation = dated(found.get(services.GENERATION_KEY))
        if entry is not None and generation is not None and entry.generation == generation:
            return self.respond(request, entry, "HIT")
        # Outdated (a publication bumped the generation): one request re-renders, the others keep getting
        # the previous copy for the few hundred milliseconds that takes instead of all rendering at once.
        lock_key = services.LOCK_PREFIX + digest
        locked = False
        if entry is not None:
            try:
                locked = cache.add(lock_key, 1, timeout=services.LOCK_SECONDS)
            except Exception:
                locked = True
            if not locked:
                return self.respond(request, entry, "STALE")
        try:
            return self.render_and_store(request, cache, digest, language, generation)
        finally:
            if locked:
                try:
                    cache.delete(lock_key)
                except Exception:
                    logger.warning("page cache: could not release %s", lock_key, exc_info=True)

    def render_and_store(self, request: HttpRequest, cache: Any, digest: str, language: str,
                         generation: str | None) -> HttpResponseBase:
        if generation is None:  # first request ever, or the cache lost it (then everything is stale)
            try:
                generation = dated(services.current_generation(cache))
            except Exception:
                generation = None
        # Render uncompressed: the body is compressed once here, not by GZip on every request.
        accept_encoding = request.META.pop("HTTP_ACCEPT_ENCODING", None)
        try:
            response = self.get_response(request)
        finally:
            if accept_encoding is not None:
                request.META["HTTP_ACCEPT_ENCODING"] = accept_encoding
        if response.status_code >= 500:
            stale = self.serve_stale(request, language, response)
            if stale is not None:
                return stale
        entry = self.make_entry(request, response, generation) if generation is not None else None
        if entry is None:
            return self.mark_uncached(request, response)
        try:
            cache.set_many({services.ENTRY_PREFIX + digest: entry}, timeout=services.entry_seconds())
            cache.set(services.STALE_PREFIX + digest, entry, timeout=services.stale_seconds())
        except Exception:
            logger.warning("page cache: could not store %s", request.path, exc_info=True)
        return self.respond(request, entry, "MISS", original=response)

    # --- storing ---------------------------------------------------------------------------------------
    def storable(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        if request.method != "GET" or response.status_code != 200 or not isinstance(response, HttpResponse):
            return False  # (a streaming or file response is not an HttpResponse)
        if response.cookies or response.has_header("Content-Encoding"):
            return False
        if UNCACHEABLE_DIRECTIVES.search(response.get("Cache-Control", "")):
            return False
        if "*" in response.get("Vary", ""):
            return False
        return len(response.content) <= services.max_bytes()

    def make_entry(self, request: HttpRequest, response: HttpResponseBase, generation: str) -> Entry | None:
        if not self.storable(request, response):
            return None
        assert isinstance(response, HttpResponse)
        body = response.content
        compressible = bool(COMPRESSIBLE.match(response.get("Content-Type", ""))) and len(body) >= 200
        stored = compress_string(body) if compressible else body
        if compressible and len(stored) >= len(body):
            stored, compressible = body, False
        last_modified = parse_http_date_safe(response.get("Last-Modified", "")) or int(time.time())
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
        vary = response.get("Vary")
        if vary:
            headers.append(("Vary", vary))
        if not response.has_header("Cache-Control"):
            headers.append(("Cache-Control", PUBLIC_CACHE_CONTROL))
        attributes = {name: getattr(response, name) for name in services.CSP_ATTRIBUTES if hasattr(response, name)}
        return Entry(
            generation=generation,
            status=response.status_code,
            headers=headers,
            body=stored,
            gzipped=compressible,
            etag=hashlib.blake2b(body, digest_size=16).hexdigest(),
            last_modified=last_modified,
            length=len(body),
            attributes=attributes,
        )

    # --- responding ------------------------------------------------------------------------------------
    def respond(self, request: HttpRequest, entry: Entry, state: str,
                original: HttpResponseBase | None = None) -> HttpResponseBase:
        send_gzip = entry.gzipped and accepts_gzip(request)
        etag = _etag_for(entry, send_gzip)
        seconds = services.proxy_seconds()
        if self.not_modified(request, entry):
            response: HttpResponseBase = HttpResponseNotModified()
            response["X-Accel-Expires"] = str(seconds)  # before Cache-Control (see below)
            for name, value in entry.headers:
                if name.lower() in ("cache-control", "content-location", "expires", "vary"):
                    response[name] = (shared_cache_control(seconds)
                                      if name == "Cache-Control" and value == PUBLIC_CACHE_CONTROL else value)
        else:
            body = entry.body if send_gzip or not entry.gzipped else gzip.decompress(entry.body)
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=entry.status)
            # Before Cache-Control: nginx up to 1.22 reads the headers in order and a `max-age=0` met first
            # makes the response uncacheable, whatever X-Accel-Expires says after it.
            response["X-Accel-Expires"] = str(seconds)
            for name, value in entry.headers:
                response[name] = (shared_cache_control(seconds)
                                  if name == "Cache-Control" and value == PUBLIC_CACHE_CONTROL else value)
            response["Content-Length"] = str(len(body))
            if send_gzip:
                response["Content-Encoding"] = "gzip"
            response["Last-Modified"] = http_date(entry.last_modified)
        response["ETag"] = etag
        if entry.gzipped:
            patch_vary_headers(response, ("Accept-Encoding",))
        response["X-Accel-Expires"] = str(seconds)
        response["Surrogate-Control"] = f"max-age={seconds}"
        response["X-Cache"] = state
        for name, value in entry.attributes.items():
            setattr(response, name, value)
        if original is not None:
            # The rendered response is replaced, not finished: its resources are closed with the response
            # that goes out. (original.close() would send request_finished in the middle of the request,
            # which closes the database connection: on PostgreSQL the rest of the request, and a test's
            # transaction, then fail with "the connection is closed".)
            response._resource_closers.extend(original._resource_closers)  # type: ignore[attr-defined]
            original._resource_closers.clear()  # type: ignore[attr-defined]
        return response

    @staticmethod
    def not_modified(request: HttpRequest, entry: Entry) -> bool:
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            return _if_none_match_matches(if_none_match, entry)
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and entry.last_modified <= since

    def mark_uncached(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """A page that may not be stored: compress it as GZip middleware would have, keep its own
        caching headers, and tell nginx not to micro-cache it."""
        from otwarta.core.middleware import GZipMiddleware

        response = GZipMiddleware(self.get_response).process_response(request, response)
        response.headers.setdefault("X-Accel-Expires", "0")
        response["X-Cache"] = "MISS"
        return response

    @staticmethod
    def mark_bypass(response: HttpResponseBase, page: bool = True) -> HttpResponseBase:
        """Pages (personal ones: signed in, POST) must not be micro-cached by nginx; other URLs (robots.txt,
        the sitemap, documents) keep whatever caching headers they have."""
        if page:
            response.headers.setdefault("X-Accel-Expires", "0")
        response["X-Cache"] = "BYPASS"
        return response

    # --- stale-if-error --------------------------------------------------------------------------------
    def serve_stale(self, request: HttpRequest, language: str, failed: HttpResponseBase) -> HttpResponseBase | None:
        """When rendering failed (database down, a bug), the last good copy of the page, if any."""
        try:
            host = request.get_host()
            digest = services.key_digest(host, request.path, request.META.get("QUERY_STRING", ""), language)
            entry = services.get_cache().get(services.STALE_PREFIX + digest)
        except Exception:
            return None
        if entry is None:
            return None
        logger.warning("page cache: serving the last good copy of %s (status %s)", request.path,
                       failed.status_code)
        response = self.respond(request, entry, "STALE", original=failed)
        # Not for proxies to keep: the next request should try the application again.
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
        response["X-Accel-Expires"] = "0"
        response["Surrogate-Control"] = "max-age=0"
        return response
