"""Checks that every internal link of a static export resolves to a file of the export.

Used by ``export_static`` after writing the copy and by the tests. A link is internal when it is relative,
root-relative or absolute on one of the given origins; it resolves the way a plain web server with
``index index.html`` serves the tree: ``/a/b/`` → ``a/b/index.html``, ``/a/b.pdf`` → ``a/b.pdf``, ``/a/b``
→ ``a/b`` or (after the server's redirect to ``/a/b/``) ``a/b/index.html``. An internal link that carries a
query string is a problem too: a static server ignores the query and would serve the wrong page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

LINK_ATTRIBUTES = ("href", "src", "poster", "action")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
IGNORED_SCHEMES = ("mailto:", "tel:", "sms:", "data:", "javascript:", "geo:", "#")


@dataclass(frozen=True)
class LinkProblem:
    page: str  # the URL path of the page that links
    link: str  # the link as written
    reason: str  # "missing" or "query string"

    def __str__(self) -> str:
        return f"{self.page} → {self.link} ({self.reason})"


def srcset_urls(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


def html_links(document: lxml.html.HtmlElement) -> Iterator[tuple[lxml.html.HtmlElement, str, str]]:
    """(element, attribute, URL) for every link-like attribute of the document (srcset split)."""
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in LINK_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None and value.strip():
                yield element, attribute, value.strip()
        srcset = element.get("srcset")
        if srcset:
            for url in srcset_urls(srcset):
                yield element, "srcset", url


def css_links(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in CSS_URL.finditer(text)]


def url_path_to_file(root: Path, path: str) -> Path | None:
    """The file a static server with ``index index.html`` answers ``path`` with, or None."""
    relative = unquote(path).lstrip("/")
    if ".." in Path(relative).parts:
        return None
    candidate = root / relative
    if path.endswith("/") or not relative:
        index = candidate / "index.html"
        return index if index.is_file() else None
    if candidate.is_file():
        return candidate
    index = candidate / "index.html"
    return index if index.is_file() else None


def page_url(root: Path, file: Path) -> str:
    relative = file.relative_to(root).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def check_links(root: Path | str, origins: Iterable[str] = ()) -> list[LinkProblem]:
    """Every internal link (HTML href/src/srcset/action, CSS url()) of the export that does not resolve."""
    root = Path(root)
    hosts = {urlsplit(origin).netloc for origin in origins if origin}
    problems: list[LinkProblem] = []
    for file in sorted(root.rglob("*")):
        if file.suffix not in {".html", ".css"} or not file.is_file():
            continue
        base = page_url(root, file)
        text = file.read_text(encoding="utf-8", errors="replace")
        if file.suffix == ".html":
            document = lxml.html.document_fromstring(text) if text.strip() else None
            links = [url for _element, _attribute, url in html_links(document)] if document is not None else []
        else:
            links = css_links(text)
        for link in links:
            if link.startswith(IGNORED_SCHEMES):
                continue
            parts = urlsplit(urljoin(base, link))
            if parts.scheme not in {"http", "https", ""} or (parts.netloc and parts.netloc not in hosts):
                continue
            if parts.query:
                problems.append(LinkProblem(base, link, "query string"))
            elif url_path_to_file(root, parts.path) is None:
                problems.append(LinkProblem(base, link, "missing"))
    return problems
