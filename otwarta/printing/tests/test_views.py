"""The public print section (/<lang>/druki/) and the PDFs it serves (/<lang>/druki/<slug>/<format>.pdf)."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from bs4 import BeautifulSoup
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation
from django.utils.http import http_date

from otwarta.printing import services
from otwarta.printing.models import FileStatus, PackFile, PackType

from . import test_services as shared
from .test_services import Pipeline, article, make_pack, translate_pack

media, pipeline = shared.media, shared.pipeline  # the fixtures of test_services


@pytest.fixture
def packs(portal: Any, pipeline: Pipeline) -> dict[str, Any]:
    """A welcome pack translated into Ukrainian, with a page that exists in Polish only (fallback);
    a topic brochure with PDFs in Polish only; an unlisted pack; a pack with no file yet."""
    welcome = make_pack("welcome-pack", title="Witamy w Małopolsce", pages=(article(), article(slug="pesel")))
    translate_pack(welcome, "uk", "Ласкаво просимо до Малопольщі")
    topic = make_pack("work", pack_type=PackType.TOPIC, title="Praca w Polsce")
    hidden = make_pack("hidden", title="Pakiet wewnętrzny", listed=False)
    waiting = make_pack("children", pack_type=PackType.CHILDREN, title="Dla dzieci")
    for code in ("pl", "uk"):
        for fmt in ("a4", "a5-booklet"):
            services.generate(welcome, code, fmt)
        services.generate(hidden, code, "a4")
    services.generate(topic, "pl", "a4")
    PackFile.objects.create(pack=waiting, language="uk", format="a4", status=FileStatus.QUEUED)
    return {"welcome": welcome, "topic": topic, "hidden": hidden, "waiting": waiting}


def retitle(pack: Any, language: str, title: str) -> None:
    translated = pack.in_language(language)
    translated.title = title
    translated.save()


def soup(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "style=" not in response.content.decode() and "<script>" not in response.content.decode()
    return BeautifulSoup(response.content, "html.parser")


def test_listing_in_polish(client: Client, packs: dict[str, Any]) -> None:
    page = soup(client, "/pl/druki/")
    main = page.select_one("main")
    assert main is not None
    headings = [h.get_text(strip=True) for h in main.select("h2")]
    assert len(headings) == 3  # welcome, topic, children: the unlisted pack is not shown
    titles = [h.get_text(strip=True) for h in main.select("h3")]
    assert titles == ["Witamy w Małopolsce", "Praca w Polsce", "Dla dzieci"]  # welcome packs first
    assert "Pakiet wewnętrzny" not in main.get_text()
    assert not main.select("[lang]")  # everything is in Polish: no language changes to mark
    welcome = main.select("ul.list > li")[0]
    links = {a["href"]: a for a in welcome.select("a")}
    assert set(links) == {"/pl/druki/welcome-pack/a4.pdf", "/pl/druki/welcome-pack/a5-booklet.pdf"}
    assert links["/pl/druki/welcome-pack/a4.pdf"]["type"] == "application/pdf"
    packfile = PackFile.objects.get(pack=packs["welcome"], language="pl", format="a4")
    with translation.override("pl"):
        size = " ".join(str(filesizeformat(packfile.size_bytes)).split())
    text = " ".join(welcome.get_text(" ").split())
    assert f"(PDF, {size}, 4 strony)" in text and "1 marca 2026" in text
    assert not welcome.select(".notice")  # the Polish PDF has no part in another language
    # the topic brochure has no booklet yet; the children's edition nothing at all
    topic, waiting = main.select("ul.list > li")[1:]
    assert [a["href"] for a in topic.select("a")] == ["/pl/druki/work/a4.pdf"]
    assert not waiting.select("a")
    assert len(waiting.select(".downloads li")) == 2


def test_listing_in_ukrainian_with_fallbacks(client: Client, packs: dict[str, Any]) -> None:
    main = soup(client, "/uk/druki/").select_one("main")
    assert main is not None
    welcome, topic, waiting = main.select("ul.list > li")
    welcome_title, topic_title = welcome.select("h3")[0], topic.select("h3")[0]
    assert welcome_title.get_text(strip=True) == "Ласкаво просимо до Малопольщі"
    assert not welcome_title.has_attr("lang")
    # an untranslated pack: its Polish title, marked as Polish
    assert topic_title.get_text(strip=True) == "Praca w Polsce"
    assert topic_title["lang"] == "pl"
    assert not topic.select("a")  # no Ukrainian PDF of it yet
    # the note names the part printed in another language, in that language, and the language
    note = welcome.select_one(".notice")
    assert note is not None
    part = note.select("li span[lang]")[0]
    assert part["lang"] == "pl" and part.get_text() == article(slug="pesel").title
    with translation.override("uk"):
        from otwarta.core.languages import spoken_language_name

        assert spoken_language_name("pl") in note.get_text()
    assert {a["href"] for a in welcome.select("a")} == {"/uk/druki/welcome-pack/a4.pdf",
                                                        "/uk/druki/welcome-pack/a5-booklet.pdf"}
    assert [a["href"] for a in waiting.select("a")] == []
    assert "березня 2026" in welcome.get_text()  # the date in Ukrainian


def test_listing_when_there_is_nothing(client: Client, portal: Any) -> None:
    main = soup(client, "/en/druki/").select_one("main")
    assert main is not None and not main.select("h2") and main.select_one("h1")


def test_download_headers_and_conditional_requests(client: Client, packs: dict[str, Any], media: Any) -> None:
    packfile = PackFile.objects.get(pack=packs["welcome"], language="uk", format="a4")
    response = client.get("/uk/druki/welcome-pack/a4.pdf")
    assert response.status_code == 200
    body = b"".join(cast(Any, response).streaming_content)
    assert body == (media / packfile.file.name).read_bytes() and body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="welcome-pack-uk-a4.pdf"'
    assert response["ETag"] == f'"{packfile.content_hash}"'
    assert packfile.generated_at is not None
    assert response["Last-Modified"] == http_date(packfile.generated_at.timestamp())
    assert set(re.split(r",\s*", response["Cache-Control"])) == {"public", "max-age=3600"}
    assert response["Content-Length"] == str(packfile.size_bytes)

    # PDFs are compressed already: the portal's GZip middleware leaves them (and their strong ETag) alone.
    gzip_asked = client.get("/uk/druki/welcome-pack/a4.pdf", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in gzip_asked and gzip_asked["ETag"] == f'"{packfile.content_hash}"'

    not_modified = client.get("/uk/druki/welcome-pack/a4.pdf", HTTP_IF_NONE_MATCH=f'"{packfile.content_hash}"')
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == f'"{packfile.content_hash}"'
    assert "max-age=3600" in not_modified["Cache-Control"]
    since = client.get("/uk/druki/welcome-pack/a4.pdf", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    other = client.get("/uk/druki/welcome-pack/a4.pdf", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200

    head = client.head("/pl/druki/welcome-pack/a5-booklet.pdf")
    assert head.status_code == 200 and head["Content-Disposition"].endswith('"welcome-pack-pl-a5-booklet.pdf"')
    assert client.post("/pl/druki/welcome-pack/a4.pdf").status_code == 405

    # an unlisted pack is not in the list, but its PDF is served
    assert client.get("/pl/druki/hidden/a4.pdf").status_code == 200

    # A new generation changes the ETag: the old one no longer gives a 304.
    pack = packs["welcome"]
    retitle(pack, "uk", "Вітаємо")
    services.generate(pack, "uk", "a4")
    changed = client.get("/uk/druki/welcome-pack/a4.pdf", HTTP_IF_NONE_MATCH=f'"{packfile.content_hash}"')
    assert changed.status_code == 200 and changed["ETag"] != f'"{packfile.content_hash}"'


def test_download_404s(client: Client, packs: dict[str, Any], media: Any) -> None:
    assert client.get("/uk/druki/nope/a4.pdf").status_code == 404  # unknown pack
    assert client.get("/uk/druki/welcome-pack/a3.pdf").status_code == 404  # unknown format
    assert client.get("/de/druki/welcome-pack/a4.pdf").status_code == 404  # language not served
    assert client.get("/ka/druki/welcome-pack/a4.pdf").status_code == 404  # no Georgian file yet
    assert client.get("/uk/druki/work/a4.pdf").status_code == 404  # Polish only
    assert client.get("/uk/druki/children/a4.pdf").status_code == 404  # queued, never generated
    packfile = PackFile.objects.get(pack=packs["topic"], language="pl", format="a4")
    (media / packfile.file.name).unlink()  # the file went missing from the storage
    assert client.get("/pl/druki/work/a4.pdf").status_code == 404


def test_failed_generation_still_serves_the_last_good_pdf(client: Client, packs: dict[str, Any],
                                                         pipeline: Pipeline) -> None:
    pack = packs["welcome"]
    before = client.get("/uk/druki/welcome-pack/a4.pdf")
    retitle(pack, "uk", "Вітаємо")
    pipeline.fail = "fonts missing"
    assert services.generate(pack, "uk", "a4").status == FileStatus.FAILED
    after = client.get("/uk/druki/welcome-pack/a4.pdf")
    assert after.status_code == 200 and after["ETag"] == before["ETag"]
    main = soup(client, "/uk/druki/").select_one("main")
    assert main is not None and "/uk/druki/welcome-pack/a4.pdf" in str(main)


def test_home_page_and_sitemap_link_the_print_section(client: Client, packs: dict[str, Any]) -> None:
    home = soup(client, "/uk/")
    assert home.select_one('main a[href="/uk/druki/"]') is not None
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/uk/druki/</loc>" in sitemap and "http://testserver/pl/druki/</loc>" in sitemap


def test_real_pipeline_end_to_end(client: Client, portal: Any, media: Any,
                                  django_capture_on_commit_callbacks: Any) -> None:
    """No stand-ins: publishing a page of a pack queues its PDFs (immediate task backend), the real
    assembling and WeasyPrint rendering make them, the print section lists them and serves a real PDF."""
    import io

    from pypdf import PdfReader

    from otwarta.portal.services import publish

    pack = make_pack("welcome-pack", title="Witamy w Małopolsce", pages=(article(), article(slug="pesel")))
    translate_pack(pack, "uk", "Ласкаво просимо до Малопольщі")
    with django_capture_on_commit_callbacks(execute=True):
        publish(article())
    rows = {(f.language, f.format): f for f in PackFile.objects.filter(pack=pack)}
    assert len(rows) == 12
    failed = {key: f.error for key, f in rows.items() if f.status != FileStatus.READY}
    assert not failed, failed
    uk_a4, uk_a5 = rows[("uk", "a4")], rows[("uk", "a5-booklet")]
    assert uk_a4.page_count >= 2 and uk_a5.page_count % 4 == 0 and uk_a4.duration_ms > 0
    assert any(f["language"] == "pl" for f in uk_a4.fallbacks)  # the PESEL page is in Polish only

    main = soup(client, "/uk/druki/").select_one("main")
    assert main is not None and "Ласкаво просимо до Малопольщі" in main.get_text()
    assert main.select_one(".notice") is not None
    response = client.get("/uk/druki/welcome-pack/a4.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="welcome-pack-uk-a4.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(cast(Any, response).streaming_content)))
    assert len(reader.pages) == uk_a4.page_count
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Ласкаво просимо" in text

    # Publishing again without changes renders nothing: the files and hashes stay.
    with django_capture_on_commit_callbacks(execute=True):
        publish(article())
    again = {(f.language, f.format): (f.file.name, f.generated_at) for f in PackFile.objects.filter(pack=pack)}
    assert again == {key: (f.file.name, f.generated_at) for key, f in rows.items()}
