"""The emergency static copy (``manage.py export_static``) of the test portal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from wagtail.models import Page
from wagtail.rich_text import RichText

from otwarta.printing import services
from otwarta.printing.models import FileStatus, PackFile
from otwarta.printing.tests import test_services as printing_tests
from otwarta.printing.tests.test_services import Pipeline, make_pack
from otwarta.staticexport.services.crawler import ExportOptions, StaticExporter, output_path
from otwarta.staticexport.services.linkcheck import check_links, html_links

LANGUAGES = ["pl", "en", "uk", "ru", "be", "ka"]
BASE = "https://mirror.example.org"
LIVE = "https://portal.example.org"
pipeline = printing_tests.pipeline  # the printing tests' fixture: their fake renderer
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def export(root: Path, languages: list[str] | None = None, generate_pdfs: bool = False) -> Any:
    options = ExportOptions(output=root, languages=languages or LANGUAGES, base_url=BASE, live_url=LIVE, clean=True,
                            generate_pdfs=generate_pdfs)
    return StaticExporter(options).run()


def html_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.html") if b'http-equiv="refresh"' not in p.read_bytes()]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def print_files(portal: Any, media: Path) -> list[PackFile]:
    """A listed welcome pack with ready PDFs in Polish (A4) and Ukrainian (A4), and one still queued."""
    pack = make_pack("welcome")
    files = []
    for language in ("pl", "uk"):
        packfile = PackFile(pack=pack, language=language, format="a4", status=FileStatus.READY,
                            content_hash=f"{language}0123456789abcdef", size_bytes=len(PDF), page_count=1)
        packfile.file.save(f"welcome-{language}-a4.pdf", ContentFile(PDF + language.encode()), save=False)
        packfile.save()
        files.append(packfile)
    PackFile.objects.create(pack=pack, language="en", format="a4", status=FileStatus.QUEUED)
    return files


def test_export_of_the_whole_portal(portal: Any, print_files: list[PackFile], tmp_path: Path) -> None:
    root = tmp_path / "out"
    report = export(root)

    assert report.failures == [] and report.broken == [] and report.link_problems == [], report
    assert report.ok
    # every language has its home page and its fixed sections; the articles and their translations
    for code in LANGUAGES:
        for path in ("", "emergency/", "uslugi/", "tlumacze/", "formularze/", "druki/"):
            assert (root / code / path / "index.html").is_file(), f"/{code}/{path}"
    for code in ("pl", "en", "uk", "ka"):
        assert (root / code / "instytucje" / "urzad" / "karta-pobytu" / "index.html").is_file()
    assert (root / "pl" / "instytucje" / "fundacja" / "pesel" / "index.html").is_file()
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt", "static/css/site.css", "sw.js"):
        assert (root / name).is_file(), name
    assert "unregister" in (root / "sw.js").read_text()
    assert "Sitemap: https://mirror.example.org/sitemap.xml" in (root / "robots.txt").read_text()

    # the print PDFs, byte for byte, under their live paths; the queued one is not there
    assert (root / "pl" / "druki" / "welcome" / "a4.pdf").read_bytes() == PDF + b"pl"
    assert (root / "uk" / "druki" / "welcome" / "a4.pdf").read_bytes() == PDF + b"uk"
    assert not (root / "en" / "druki" / "welcome" / "a4.pdf").exists()
    assert report.pdfs == 2
    assert 'href="/uk/druki/welcome/a4.pdf"' in (root / "uk" / "druki" / "index.html").read_text()

    # the checker sees nothing broken: every internal href/src/srcset resolves to a file of the copy
    assert check_links(root, [BASE]) == []
    for file in html_files(root):
        text = file.read_text()
        document = lxml.html.document_fromstring(text)
        # the emergency-copy notice on every page; no form needs the server; no internal link with a query
        assert document.find_class("export-notice"), file
        assert not list(document.iter("form")), file
        for _element, _attribute, link in html_links(document):
            if link.startswith("/"):
                assert "?" not in link, (file, link)

    home = (root / "pl" / "index.html").read_text()
    assert "Awaryjna kopia" in home or "Emergency copy of" in home
    english = lxml.html.document_fromstring((root / "en" / "index.html").read_text())
    notice = english.find_class("export-notice")[0].text_content()
    assert "Emergency copy of" in notice
    # the header search box is replaced by a notice linking to the live portal's search
    unavailable = english.find_class("export-unavailable")
    assert unavailable
    assert any(a.get("href") == f"{LIVE}/en/search/" for box in unavailable for a in box.iter("a"))

    manifest = json.loads((root / "export-manifest.json").read_text())
    assert set(manifest["languages"]) >= set(LANGUAGES)
    assert manifest["languages"]["pl"]["pages"] >= 8
    assert manifest["pdfs"] == 2 and manifest["broken_links"] == [] and manifest["failures"] == []


def test_missing_pdfs_are_generated(portal: Any, pipeline: Pipeline, tmp_path: Path) -> None:
    """--generate-pdfs: the printing app's own generation (its renderer replaced by the printing tests' fake)."""
    make_pack("welcome")
    root = tmp_path / "out"
    report = export(root, ["pl", "uk"], generate_pdfs=True)

    formats = services.all_formats()
    assert sorted(pipeline.rendered) == sorted(("welcome", code, fmt) for code in ("pl", "uk") for fmt in formats)
    assert report.generated_pdfs == report.pdfs == 2 * len(formats)
    for code in ("pl", "uk"):
        for fmt in formats:
            assert (root / code / "druki" / "welcome" / f"{fmt}.pdf").read_bytes().startswith(b"%PDF")
    assert report.ok, report
    pipeline.rendered.clear()
    export(root, ["pl"], generate_pdfs=True)  # nothing missing: nothing rendered again
    assert pipeline.rendered == []


def test_query_links_are_rewritten(portal: Any, tmp_path: Path) -> None:
    exporter = StaticExporter(ExportOptions(output=tmp_path, languages=["pl", "en"], base_url=BASE, live_url=LIVE))
    html = """<!doctype html><html lang="pl"><head><title>t</title></head><body>
<header class="top"><nav class="langs"><a id="lang" href="/en/uslugi/?category=zdrowie">English</a>
<a id="uk" href="/uk/uslugi/">uk</a></nav></header>
<main><a id="next" href="?q=&amp;institution=&amp;page=2">next</a><a id="first" href="?page=1">1</a>
<a id="filter" href="/pl/uslugi/?category=zdrowie#top">health</a>
<a id="admin" href="/admin/pages/">admin</a><a id="ext" href="https://example.com/?a=1">ext</a>
<img id="img" src="/static/img/icon.svg" srcset="/static/img/icon.svg 1x, /media/x.png?v=2 2x">
<form method="get" action="/pl/uslugi/"><input name="q"></form></main></body></html>"""
    document = lxml.html.document_fromstring(exporter.process_html(html, "/pl/uslugi/", "pl"))
    href = {a.get("id"): a.get("href") for a in document.iter("a") if a.get("id")}
    assert href["lang"] == "/en/uslugi/"  # the language switcher: the other language's page
    assert href["uk"] == f"{LIVE}/uk/uslugi/"  # a language left out of the copy: the live portal
    assert href["next"] == "/pl/uslugi/strona-2/"  # pagination: a page of its own
    assert href["first"] == "/pl/uslugi/"
    assert href["filter"] == f"{LIVE}/pl/uslugi/?category=zdrowie#top"  # needs the server: the live portal
    assert href["admin"] == f"{LIVE}/admin/pages/"
    assert href["ext"] == "https://example.com/?a=1"
    assert document.get_element_by_id("img").get("srcset") == f"/static/img/icon.svg 1x, {LIVE}/media/x.png?v=2 2x"
    assert not list(document.iter("form"))
    [box] = document.find_class("export-unavailable")
    assert [a.get("href") for a in box.iter("a")] == [f"{LIVE}/pl/uslugi/"]
    assert document.find_class("export-notice")
    assert "/pl/uslugi/?page=2" in exporter.seen  # the second page is exported too

    # the live portal under an internal address (the default, SITE_URL): the notices still link to it
    exporter = StaticExporter(ExportOptions(output=tmp_path, languages=["pl"], base_url=BASE,
                                            live_url=settings.SITE_URL))
    document = lxml.html.document_fromstring(exporter.process_html(html, "/pl/uslugi/", "pl"))
    [box] = document.find_class("export-unavailable")
    assert [a.get("href") for a in box.iter("a")] == [f"{settings.SITE_URL}/pl/uslugi/"]
    assert [a.get("href") for a in document.find_class("export-notice")[0].iter("a")] == [f"{settings.SITE_URL}/"]

    assert output_path("/pl/uslugi/", "page=3") == "/pl/uslugi/strona-3/"
    assert output_path("/pl/uslugi/", "q=&page=3") == "/pl/uslugi/strona-3/"
    assert output_path("/pl/uslugi/", "q=lekarz&page=3") is None
    assert output_path("/pl/uslugi/", "") == "/pl/uslugi/"


def test_broken_internal_link_is_reported(portal: Any, tmp_path: Path) -> None:
    page = Page.objects.get(slug="karta-pobytu", locale__language_code="pl").specific
    page.body.append(("text", RichText('<p><a href="/pl/nie-ma-takiej-strony/">gone</a></p>')))
    page.save()
    root = tmp_path / "out"

    with pytest.raises(CommandError, match="problem"):
        call_command("export_static", str(root), "--languages", "pl", "--base-url", BASE, "--live-url", LIVE)

    manifest = json.loads((root / "export-manifest.json").read_text())
    # rendering: the portal answered 404; the check of the written copy: no such file
    assert manifest["broken_links"] == [
        {"url": "/pl/nie-ma-takiej-strony/", "status": 404, "linked_from": "/pl/instytucje/urzad/karta-pobytu/"},
        {"url": "/pl/nie-ma-takiej-strony/", "status": 0, "linked_from": "/pl/instytucje/urzad/karta-pobytu/",
         "reason": "missing"},
    ]
    # only Polish was exported: the other languages' versions are links to the live portal
    assert not (root / "en").exists()
    article_html = (root / "pl" / "instytucje" / "urzad" / "karta-pobytu" / "index.html").read_text()
    assert f'href="{LIVE}/en/instytucje/urzad/karta-pobytu/"' in article_html
    problems = check_links(root, [BASE])
    assert [(p.page, p.link, p.reason) for p in problems] == [
        ("/pl/instytucje/urzad/karta-pobytu/", "/pl/nie-ma-takiej-strony/", "missing")]


def test_link_checker(tmp_path: Path) -> None:
    (tmp_path / "pl" / "a").mkdir(parents=True)
    (tmp_path / "pl" / "a" / "index.html").write_text(
        '<html><body><a href="/pl/a/">ok</a><a href="../a">ok, redirected</a><a href="/pl/b/">missing</a>'
        '<a href="/pl/a/?page=2">query</a><a href="https://mirror.example.org/pl/c.pdf">missing</a>'
        '<a href="https://elsewhere.example/x/">external</a><a href="tel:112">112</a>'
        '<img src="x.png" srcset="/pl/a/ 1x, /d.png 2x"></body></html>')
    (tmp_path / "pl" / "a" / "x.png").write_bytes(b"png")
    problems = [(p.link, p.reason) for p in check_links(tmp_path, [BASE])]
    assert problems == [("/pl/b/", "missing"), ("/pl/a/?page=2", "query string"),
                        ("https://mirror.example.org/pl/c.pdf", "missing"), ("/d.png", "missing")]


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="xx"):
        call_command("export_static", str(tmp_path), "--languages", "pl,xx")
