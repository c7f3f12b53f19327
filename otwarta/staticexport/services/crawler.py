"""The emergency static copy of the public portal (crisis mode, docs/crisis-mode.md).

Every public URL is rendered in-process through Django's full request handler (``django.test.Client``:
anonymous, no network, every middleware), written under the output directory at the path it has on the
live site, and every same-origin link, image, stylesheet, script, srcset candidate, CSS ``url()`` and
sitemap ``<loc>`` it contains is followed until nothing new turns up.

The copy is made static by post-processing each HTML page with lxml (not by a template flag: the portal's
full-page cache keys responses by path and language, so a request flag could leak export markup to live
readers):

- a notice "Emergency copy of …, as of …" in the page's language opens the page header;
- every ``<form>`` (search box, directory filters, the situation guide's questions, the interpreter request
  form, …) is replaced by a notice in the page's language with a link to the same function on the live
  portal (``live_url``);
- pagination (``?page=N``, other parameters empty) becomes a page of its own, ``…/strona-N/``;
- the language switcher's carried query is dropped (the other language's page itself);
- any other internal link with a query string, and links into the admin, point to the live portal;
- internal links are written root-relative, so the copy works on any host at the same paths.

``/sw.js`` is replaced by a worker that deletes the portal's caches and unregisters itself.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from .linkcheck import IGNORED_SCHEMES, LinkProblem, check_links, css_links, html_links

logger = logging.getLogger(__name__)

PAGE_SEGMENT = "strona-{n}/"  # /pl/uslugi/?page=2 → /pl/uslugi/strona-2/
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "resources" / "sw.js"
LIVE_ONLY_PREFIXES = ("/admin/", "/django-admin/")
REDIRECTS = {301, 302, 303, 307, 308}
SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>|href=\"([^\"]+)\"", re.IGNORECASE)
MANIFEST_SRC = re.compile(r'"(?:src|start_url)"\s*:\s*"([^"]+)"')


@dataclass
class ExportOptions:
    output: Path
    languages: list[str]
    base_url: str  # where the copy is published: absolute URLs in the copy (sitemap, robots, hreflang)
    live_url: str  # the live portal: where forms and searches are sent
    clean: bool = False
    generate_pdfs: bool = False


@dataclass
class LanguageStats:
    pages: int = 0
    files: int = 0
    redirects: int = 0  # URLs that redirect on the live site: small meta-refresh pages
    bytes: int = 0


@dataclass
class ExportReport:
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0
    languages: dict[str, LanguageStats] = field(default_factory=dict)
    failures: list[tuple[str, int, str]] = field(default_factory=list)  # (url, status, first referrer)
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # linked, answered 4xx
    link_problems: list[LinkProblem] = field(default_factory=list)  # the final check of the written copy
    skipped: list[tuple[str, int]] = field(default_factory=list)  # seeds the portal did not serve (no link)
    pdfs: int = 0
    generated_pdfs: int = 0

    @property
    def ok(self) -> bool:
        return not (self.failures or self.broken or self.link_problems)

    def add(self, language: str, size: int, kind: str) -> None:
        stats = self.languages.setdefault(language, LanguageStats())
        setattr(stats, kind, getattr(stats, kind) + 1)
        stats.bytes += size

    def as_json(self, options: ExportOptions, exported_at: str) -> dict[str, Any]:
        return {
            "exported_at": exported_at,
            "base_url": options.base_url,
            "live_url": options.live_url,
            "languages": {code: vars(stats) for code, stats in sorted(self.languages.items())},
            "pdfs": self.pdfs,
            "generated_pdfs": self.generated_pdfs,
            "seconds": round(self.seconds, 1),
            "failures": [{"url": u, "status": s, "linked_from": r} for u, s, r in self.failures],
            "broken_links": [{"url": u, "status": s, "linked_from": r} for u, s, r in self.broken]
            + [{"url": p.link, "status": 0, "linked_from": p.page, "reason": p.reason} for p in self.link_problems],
            "skipped": [{"url": u, "status": s} for u, s in self.skipped],
        }


def output_path(path: str, query: str) -> str | None:
    """The path of the copy that holds ``path?query``, or None when the query cannot be served statically."""
    params = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if value != ""]
    if not params:
        return path
    if len(params) == 1 and params[0][0] == "page" and params[0][1].isdigit() and path.endswith("/"):
        number = int(params[0][1])
        return path if number <= 1 else path + PAGE_SEGMENT.format(n=number)
    return None


def fetch_url(path: str, query: str) -> str:
    """The URL to render for ``path?query``: the query reduced to its non-empty parameters (one URL per page)."""
    params = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if value != ""]
    return f"{path}?{urlencode(params)}" if params else path


def file_for(root: Path, path: str, html: bool) -> Path:
    relative = unquote(path).lstrip("/")
    if path.endswith("/") or not relative:
        return root / relative / "index.html"
    if html and "." not in relative.rsplit("/", 1)[-1]:
        return root / relative / "index.html"
    return root / relative


def language_of(path: str, languages: Iterable[str]) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in set(languages) else "-"


class StaticExporter:
    def __init__(self, options: ExportOptions, log: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.log = log or (lambda message: None)
        self.root = Path(options.output)
        base = urlsplit(options.base_url)
        self.scheme = base.scheme or "https"
        self.host = base.netloc or "localhost"
        site = urlsplit(settings.SITE_URL)
        self.internal_hosts = {self.host, site.netloc, "testserver"} - {""}
        # behind SECURE_SSL_REDIRECT a plain request would only get a redirect to https
        self.secure = self.scheme == "https" or bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        self.client = Client(HTTP_HOST=self.host, raise_request_exception=False)
        self.report = ExportReport()
        # pages in the portal languages left out (--languages): their links go to the live portal
        self.left_out = {code for code, _name in settings.LANGUAGES} - set(options.languages)
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        self.referrers: dict[str, str] = {}
        self.seeds: set[str] = set()
        now = timezone.localtime()
        self.exported_at = now.isoformat(timespec="seconds")
        self.notice_time = now

    # --- public ---------------------------------------------------------------------------------------
    def run(self) -> ExportReport:
        if self.options.clean and self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        allowed = [*settings.ALLOWED_HOSTS, self.host.split(":")[0]]
        with override_settings(ALLOWED_HOSTS=allowed), translation.override(settings.LANGUAGE_CODE):
            if self.options.generate_pdfs:
                self.generate_pdfs()
            for url in self.seed_urls():
                parts = self.internal(url, "/")
                if parts is not None:
                    self.seeds.add(parts[0])
                    self.enqueue(parts[0], "")
            while self.queue:
                self.fetch(self.queue.popleft())
            self.write_root()
            self.write_not_found()
        self.write_service_worker()
        self.report.link_problems = check_links(self.root, self.checked_origins())
        self.report.seconds = time.monotonic() - self.report.started
        manifest = self.report.as_json(self.options, self.exported_at)
        (self.root / "export-manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                                       encoding="utf-8")
        return self.report

    def checked_origins(self) -> list[str]:
        """Absolute URLs on these origins are links into the copy. Links sent to the live portal are absolute
        on ``live_url``: when the copy is published under the portal's own address only root-relative links
        (all the copy's own links but hreflang/canonical) are checked."""
        live = urlsplit(self.options.live_url).netloc
        return [origin for origin in (self.options.base_url, settings.SITE_URL) if urlsplit(origin).netloc != live]

    # --- what to export -------------------------------------------------------------------------------
    def seed_urls(self) -> list[str]:
        from wagtail.models import Page

        from otwarta.printing.models import PackFile

        urls = ["/sitemap.xml", "/robots.txt"]
        pages = (Page.objects.live().public().filter(depth__gt=1, locale__language_code__in=self.options.languages)
                 .select_related("locale"))
        for page in pages.specific(defer=True).iterator():
            url = page.get_url()
            if url:
                urls.append(url)
        files = PackFile.objects.filter(language__in=self.options.languages,
                                        pack__locale__language_code=settings.LANGUAGE_CODE).select_related("pack")
        for language in self.options.languages:
            with translation.override(language):
                urls.append(f"/{language}/")
                for name in ("core:emergency", "directory:search", "registers:index", "forms_library:index",
                             "printing:index"):
                    urls.append(reverse(name))
                urls += [reverse("directory:service", args=[slug]) for slug in self._service_slugs()]
                urls += [reverse("forms_library:detail", args=[slug]) for slug in self._form_slugs()]
                for packfile in files:
                    if packfile.language == language and packfile.available:
                        urls.append(reverse("printing:download", args=[packfile.pack.slug, packfile.format]))
        return urls

    @staticmethod
    def _service_slugs() -> list[str]:
        from otwarta.directory.search import visible_services

        return list(visible_services().values_list("slug", flat=True))

    @staticmethod
    def _form_slugs() -> list[str]:
        from otwarta.forms_library import services
        from otwarta.forms_library.models import OfficialForm

        return list(OfficialForm.objects.filter(locale=services.source_locale()).values_list("slug", flat=True))

    def generate_pdfs(self) -> None:
        """Generate, with the printing app, every listed pack's PDF that has no file yet."""
        from otwarta.printing import services
        from otwarta.printing.models import PackFile, PrintPack

        for pack in PrintPack.sources().filter(listed=True):
            for language in self.options.languages:
                for fmt in services.all_formats():
                    existing = PackFile.objects.filter(pack=pack, language=language, format=fmt).first()
                    if existing is not None and existing.available and services.file_exists(existing):
                        continue
                    packfile = services.generate(pack, language, fmt)
                    if packfile.available:
                        self.report.generated_pdfs += 1
                    self.log(f"generated {pack.slug} [{language}, {fmt}]: {packfile.status}")

    # --- crawling -------------------------------------------------------------------------------------
    def internal(self, url: str, base: str) -> tuple[str, str, str] | None:
        """(path, query, fragment) of an internal URL, None for an external or non-HTTP one."""
        if url.startswith(IGNORED_SCHEMES):
            return None
        parts = urlsplit(urljoin(base, url))
        if parts.scheme not in {"http", "https", ""} or (parts.netloc and parts.netloc not in self.internal_hosts):
            return None
        return parts.path or "/", parts.query, parts.fragment

    def live_only(self, path: str) -> bool:
        """The admin, and the languages left out of the copy, stay on the live portal."""
        return path.startswith(LIVE_ONLY_PREFIXES) or path.lstrip("/").split("/", 1)[0] in self.left_out

    def enqueue(self, url: str, referrer: str) -> None:
        if url not in self.seen:
            self.seen.add(url)
            self.referrers[url] = referrer
            self.queue.append(url)

    def fetch(self, url: str) -> None:
        path, _sep, query = url.partition("?")
        target = output_path(path, query)
        if target is None:
            return
        if path == "/sw.js":
            return  # written by write_service_worker
        if path.startswith(settings.STATIC_URL):
            self.copy_static(path, url)
            return
        if path.startswith(settings.MEDIA_URL):
            self.copy_media(path, url)
            return
        response = self.client.get(path, data=dict(parse_qsl(query)) if query else None,
                                   secure=self.secure)
        status = response.status_code
        referrer = self.referrers.get(url, "")
        if status >= 500:
            self.report.failures.append((url, status, referrer))
            return
        if status in REDIRECTS:
            raw_location = response.headers.get("Location", "")
            location = self.internal(raw_location, url)
            if location is None:
                # e.g. documents in an S3 store: /documents/1/x.pdf → …/documents/1/x.pdf/index.html, which a
                # static server reaches by its directory redirect
                if raw_location.startswith(("http://", "https://")):
                    self.write_redirect(target, raw_location, directory=True)
                return
            new_path, new_query, _fragment = location
            new_target = output_path(new_path, new_query)
            if new_target is None or new_target == target:
                return
            self.write_redirect(target, new_target)
            self.enqueue(fetch_url(new_path, new_query), url)
            return
        if status != 200:
            if url in self.seeds and not referrer:
                self.report.skipped.append((url, status))
            else:
                self.report.broken.append((url, status, referrer))
            return
        content_type = response.headers.get("Content-Type", "")
        body = b"".join(getattr(response, "streaming_content", ())) if response.streaming else response.content
        language = language_of(path, self.options.languages)
        if content_type.startswith("text/html"):
            html = self.process_html(body.decode(response.charset or "utf-8"), url, language)
            self.write(file_for(self.root, target, html=True), html.encode("utf-8"), language, page=True)
            return
        if path.endswith(".pdf") and "/druki/" in path:
            self.report.pdfs += 1
        if "xml" in content_type:
            for match in SITEMAP_LOC.finditer(body.decode("utf-8", errors="replace")):
                self.follow(match.group(1) or match.group(2), url)
        self.write(file_for(self.root, target, html=False), body, language, page=False)

    def follow(self, link: str, base: str) -> None:
        parts = self.internal(link, base)
        if parts is None:
            return
        path, query, _fragment = parts
        target = output_path(path, query)
        if target is not None and not self.live_only(path):
            self.enqueue(fetch_url(path, query), base)

    # --- HTML -----------------------------------------------------------------------------------------
    def process_html(self, text: str, url: str, language: str) -> str:
        document = lxml.html.document_fromstring(text)
        page_language = document.get("lang") or language
        with translation.override(page_language if page_language in dict(settings.LANGUAGES) else None):
            self.replace_forms(document, url)
            self.add_notice(document)
        # the notices' own links go to the live portal as they are (its address may be one of the internal ones)
        # (sets of the elements themselves: lxml keeps one proxy per element only while it is referenced)
        notices = {a for name in ("export-notice", "export-unavailable")
                   for box in cast(Any, document).find_class(name) for a in box.iter("a")}
        switcher: set[Any] = set()
        for nav in document.iter("nav"):
            if "langs" in (nav.get("class") or "").split():
                switcher.update(nav.iter("a"))
        for element, attribute, link in list(html_links(document)):
            if element in notices:
                continue
            new = self.rewrite(link, url, keep_absolute=element.tag == "link", drop_query=element in switcher)
            if new is None or new == link:
                continue
            if attribute == "srcset":
                element.set("srcset", ", ".join(
                    (new + candidate.strip()[len(link):]) if candidate.strip().split()[0] == link else candidate
                    for candidate in element.get("srcset", "").split(",")))
            else:
                element.set(attribute, new)
        return lxml.html.tostring(document, encoding="unicode", doctype="<!doctype html>")

    def rewrite(self, link: str, base: str, keep_absolute: bool, drop_query: bool) -> str | None:
        parts = self.internal(link, base)
        if parts is None:
            return None
        path, query, fragment = parts
        suffix = f"#{fragment}" if fragment else ""
        if drop_query:
            query = ""
        target = output_path(path, query)
        if target is None or self.live_only(path):
            return f"{self.options.live_url}{path}{'?' + query if query else ''}{suffix}"
        self.enqueue(fetch_url(path, query), base)
        if keep_absolute and urlsplit(link).netloc:
            return f"{self.options.base_url}{target}{suffix}"
        return f"{target}{suffix}"

    def replace_forms(self, document: lxml.html.HtmlElement, url: str) -> None:
        for form in list(document.iter("form")):
            action = form.get("action") or url
            parts = self.internal(action, url)
            live = f"{self.options.live_url}{parts[0]}" if parts else self.options.live_url + "/"
            html = render_to_string("staticexport/unavailable.html", {"live_url": live})
            notice = lxml.html.fragment_fromstring(html)
            notice.tail = form.tail
            form.getparent().replace(form, notice)

    def add_notice(self, document: lxml.html.HtmlElement) -> None:
        body = document.find("body")
        if body is None:
            return
        html = render_to_string("staticexport/notice.html", self.notice_context())
        notice = lxml.html.fragment_fromstring(html)
        header = next((h for h in body.iter("header") if "top" in (h.get("class") or "").split()), None)
        if header is not None:
            header.insert(0, notice)
        else:
            skip = body.find("a")
            body.insert(1 if skip is not None and "skip" in (skip.get("class") or "") else 0, notice)

    def notice_context(self) -> dict[str, Any]:
        return {
            "site_name": _("Małopolska otwarta"),
            "exported_at": f'{date_format(self.notice_time, "DATE_FORMAT")} {time_format(self.notice_time, "H:i")}',
            "live_url": self.options.live_url + "/",
            "live_label": urlsplit(self.options.live_url).netloc or self.options.live_url,
        }

    # --- files ----------------------------------------------------------------------------------------
    def write(self, file: Path, data: bytes, language: str, page: bool, kind: str = "") -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        self.report.add(language, len(data), kind or ("pages" if page else "files"))

    def write_redirect(self, source: str, target: str, directory: bool = False) -> None:
        file = file_for(self.root, source, html=True)
        if directory and file.name != "index.html":
            file = file / "index.html"
        if file.exists():
            return
        url = escape(target)
        html = (f'<!doctype html><html><head><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0; url={url}">'
                f'<link rel="canonical" href="{url}"><title>{url}</title></head>'
                f'<body><p><a href="{url}">{url}</a></p></body></html>')
        self.write(file, html.encode("utf-8"), language_of(source, self.options.languages), page=False,
                   kind="redirects")

    def copy_static(self, path: str, url: str) -> None:
        name = unquote(path[len(settings.STATIC_URL):])
        data: bytes | None = None
        try:
            if staticfiles_storage.exists(name):
                with staticfiles_storage.open(name) as handle:
                    data = handle.read()
        except Exception:  # no STATIC_ROOT (development, tests): the finders have the file
            data = None
        if data is None:
            found = finders.find(name)
            if found:
                data = Path(found if isinstance(found, str) else found[0]).read_bytes()
        if data is None:
            self.report.broken.append((url, 404, self.referrers.get(url, "")))
            return
        if name.endswith(".css"):
            for link in css_links(data.decode("utf-8", errors="replace")):
                self.follow(link, path)
        elif name.endswith((".webmanifest", ".json")):
            for match in MANIFEST_SRC.finditer(data.decode("utf-8", errors="replace")):
                self.follow(match.group(1), path)
        self.write(file_for(self.root, path, html=False), data, "-", page=False)

    def copy_media(self, path: str, url: str) -> None:
        name = unquote(path[len(settings.MEDIA_URL):])
        try:
            with default_storage.open(name) as handle:
                data = handle.read()
        except (FileNotFoundError, OSError):
            self.report.broken.append((url, 404, self.referrers.get(url, "")))
            return
        self.write(file_for(self.root, path, html=False), data, "-", page=False)

    def write_service_worker(self) -> None:
        self.write(self.root / "sw.js", SERVICE_WORKER.read_bytes(), "-", page=False)

    def write_root(self) -> None:
        """``/``: a language chooser with the notice in every language (no script, no redirect)."""
        names = dict(settings.LANGUAGES)
        languages = []
        for code in self.options.languages:
            if not (self.root / code / "index.html").exists():
                continue
            with translation.override(code):
                context = self.notice_context()
                notice = _("Emergency copy of %(site)s, as of %(when)s.") % {
                    "site": context["site_name"], "when": context["exported_at"]}
            languages.append({"code": code, "name": names.get(code, code), "url": f"/{code}/", "notice": notice})
        with translation.override(settings.LANGUAGE_CODE):
            html = render_to_string("staticexport/root.html", {
                "languages": languages, "default_language": settings.LANGUAGE_CODE,
                "site_name": _("Małopolska otwarta")})
        document = lxml.html.document_fromstring(html)
        for _element, _attribute, link in list(html_links(document)):
            self.follow(link, "/")
        while self.queue:
            self.fetch(self.queue.popleft())
        self.write(self.root / "index.html", html.encode("utf-8"), "-", page=True)

    def write_not_found(self) -> None:
        """``404.html`` (the portal's own not-found page, for ``error_page 404 /404.html``)."""
        language, missing = self.options.languages[0], "static-export-missing-page/"
        response = self.client.get(f"/{language}/{missing}", secure=self.secure)
        if response.status_code == 404 and response.headers.get("Content-Type", "").startswith("text/html"):
            # its language switcher leads to the missing page in the other languages: to their home pages
            text = response.content.decode(response.charset or "utf-8").replace(missing, "")
            html = self.process_html(text, f"/{language}/", language)
            while self.queue:
                self.fetch(self.queue.popleft())
            self.write(self.root / "404.html", html.encode("utf-8"), "-", page=False)
