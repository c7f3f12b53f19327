"""Finding and checking the links from articles to other websites.

:func:`collect_links` reads the bodies of live articles (every locale: a translation may link to a
page in its own language) and keeps one :class:`ExternalLink` row per page and address: the URL of a
"link to the institution's own page" block and every ``<a href>`` in rich text. Only ``http`` and
``https`` addresses count (``mailto:``, ``tel:``, internal page and document links are skipped).

:func:`check_links` asks each distinct address once: ``HEAD`` first, ``GET`` when the server refuses
``HEAD`` (403, 405, 501), redirects followed and the final address kept, a timeout from
``OTWARTA_LINKCHECK_TIMEOUT``, a User-Agent from ``OTWARTA_LINKCHECK_USER_AGENT`` and at most
``OTWARTA_LINKCHECK_WORKERS`` requests at a time. A 4xx or 5xx answer, a timeout or a connection error
marks the link broken. The requests run in threads; the database is written from the calling thread.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone
from wagtail import blocks
from wagtail.rich_text import RichText

from otwarta.portal.models import ArticlePage

from .models import ExternalLink, LinkError

CHECKED_SCHEMES = {"http", "https"}
HEAD_REFUSED = {403, 405, 501}
MAX_TEXT = 500
MAX_URL = 2000


# --- extraction -----------------------------------------------------------------------------------


def is_external(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in CHECKED_SCHEMES and bool(parts.netloc)


def links_in_html(html: str) -> Iterator[tuple[str, str]]:
    """(href, text) of each external ``<a href>`` in a rich text fragment."""
    for anchor in BeautifulSoup(html or "", "html.parser").find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if is_external(href):
            yield href, anchor.get_text(" ", strip=True)


def _walk(block: blocks.Block, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(block, blocks.RichTextBlock):
        source = value.source if isinstance(value, RichText) else str(value)
        yield from links_in_html(source)
    elif isinstance(block, blocks.URLBlock):
        if is_external(str(value)):
            yield str(value).strip(), ""
    elif isinstance(block, blocks.StructBlock):
        title = value.get("title") if hasattr(value, "get") else ""
        for name, child in block.child_blocks.items():
            for url, text in _walk(child, value.get(name)):
                yield url, text or (str(title) if isinstance(child, blocks.URLBlock) and title else "")
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _walk(block.child_block, item)
    elif isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from _walk(child.block, child.value)


def links_in_page(page: ArticlePage) -> dict[str, str]:
    """External addresses of one article with the text of their first link."""
    found: dict[str, str] = {}
    for child in page.body:
        for url, text in _walk(child.block, child.value):
            url = url[:MAX_URL]
            if url not in found or (not found[url] and text):
                found[url] = text[:MAX_TEXT]
    return found


@transaction.atomic
def collect_links(pages: Iterable[ArticlePage] | None = None) -> dict[str, int]:
    """Bring the ExternalLink rows in line with the live articles' bodies (new links added, text
    updated, links that are gone or whose page is no longer live removed)."""
    if pages is None:
        pages = ArticlePage.objects.live().order_by("pk")
        ExternalLink.objects.exclude(page__live=True).delete()
    added = removed = 0
    for page in pages:
        found = links_in_page(page)
        existing = {link.url: link for link in ExternalLink.objects.filter(page=page)}
        stale = [link.pk for url, link in existing.items() if url not in found]
        removed += len(stale)
        ExternalLink.objects.filter(pk__in=stale).delete()
        for url, text in found.items():
            link = existing.get(url)
            if link is None:
                ExternalLink.objects.create(page=page, url=url, text=text)
                added += 1
            elif link.text != text:
                ExternalLink.objects.filter(pk=link.pk).update(text=text)
    return {"added": added, "removed": removed, "total": ExternalLink.objects.count()}


# --- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    url: str
    status_code: int | None = None
    final_url: str = ""
    error_kind: str = ""
    error: str = ""

    @property
    def broken(self) -> bool:
        return bool(self.error_kind) or self.status_code is None or self.status_code >= 400


_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = settings.OTWARTA_LINKCHECK_USER_AGENT
        session.headers["Accept"] = "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"
        session.max_redirects = 10
        _local.session = session
    return session


def check_url(url: str, timeout: float | None = None) -> CheckResult:
    """Ask one address; never raises for network trouble (it becomes ``error``)."""
    timeout = settings.OTWARTA_LINKCHECK_TIMEOUT if timeout is None else timeout
    session = _session()
    try:
        response = session.head(url, allow_redirects=True, timeout=timeout)
        if response.status_code in HEAD_REFUSED:
            response.close()
            response = session.get(url, allow_redirects=True, timeout=timeout, stream=True)
        response.close()
    except requests.Timeout:
        return CheckResult(url, error_kind=LinkError.TIMEOUT, error=f"no answer within {timeout:g} s")
    except requests.TooManyRedirects as exc:
        return CheckResult(url, error_kind=LinkError.REDIRECTS, error=_short(exc))
    except requests.exceptions.SSLError as exc:
        return CheckResult(url, error_kind=LinkError.TLS, error=_short(exc))
    except requests.ConnectionError as exc:
        return CheckResult(url, error_kind=LinkError.CONNECTION, error=_short(exc))
    except requests.RequestException as exc:
        return CheckResult(url, error_kind=LinkError.REQUEST, error=_short(exc))
    final_url = response.url if response.url != url else ""
    return CheckResult(url, status_code=response.status_code, final_url=final_url[:MAX_URL])


def _short(exc: BaseException) -> str:
    return str(exc)[:400]


def check_links(queryset: Any = None, workers: int | None = None) -> dict[str, int]:
    """Check every distinct address of ``queryset`` (default: all links) and store the results."""
    links = list((queryset if queryset is not None else ExternalLink.objects.all()).only("pk", "url"))
    by_url: dict[str, list[int]] = defaultdict(list)
    for link in links:
        by_url[link.url].append(link.pk)
    workers = max(1, workers or settings.OTWARTA_LINKCHECK_WORKERS)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        results = list(pool.map(check_url, sorted(by_url)))
    now = timezone.now()
    broken = 0
    with transaction.atomic():
        for result in results:
            ids = by_url[result.url]
            failures = F("consecutive_failures") + 1 if result.broken else Value(0)
            ExternalLink.objects.filter(pk__in=ids).update(
                status_code=result.status_code, final_url=result.final_url, error_kind=str(result.error_kind),
                error=result.error[:500], last_checked=now, broken=result.broken, consecutive_failures=failures,
            )
            if result.broken:
                broken += len(ids)
    return {"checked": len(links), "addresses": len(by_url), "broken": broken}


def run() -> dict[str, int]:
    """Collect, then check: what the periodic task does."""
    collected = collect_links()
    checked = check_links()
    return {**checked, "added": collected["added"], "removed": collected["removed"]}
