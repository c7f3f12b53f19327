"""The link checker: which links it finds, and what it makes of real answers from a local web server
(200, 404, 500, redirects, HEAD refused, timeout). Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskResultStatus

from otwarta.currency import linkcheck
from otwarta.currency.models import ExternalLink, LinkError
from otwarta.currency.tasks import check_external_links

from .conftest import KARTA, PESEL, source

pytestmark = pytest.mark.usefixtures("portal")


def _publish_body(slug: str, body: list[dict]) -> None:
    page = source(slug)
    page.body = json.dumps(body)
    page.save_revision().publish()


def _body(url) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        {"type": "text", "value": (
            f'<p>Go to <a href="{url("/ok")}">the office</a>, write to <a href="mailto:biuro@example.org">us</a>, '
            f'call <a href="tel:+48120000000">us</a>, see <a linktype="page" id="3">this page</a> or '
            f'<a href="/pl/instytucje/">the list</a>.</p>'
        )},
        {"type": "link", "value": {"title": "Old form", "url": url("/missing"), "description": "", "language": "pl"}},
        {"type": "link", "value": {"title": "Office site", "url": url("/no-head"), "description": "", "language": ""}},
        {"type": "steps", "value": {"heading": "Steps", "steps": [
            {"title": "Book", "text": f'<p><a href="{url("/error")}">Booking system</a></p>'},
            {"title": "Come", "text": f'<p><a href="{url("/moved")}">Map</a></p>'},
        ]}},
        {"type": "questions", "value": {"heading": "Q", "questions": [
            {"question": "Where?", "answer": f'<p><a href="{url("/moved-to-missing")}">Old address</a></p>'},
        ]}},
        {"type": "warning", "value": {"title": "Slow", "text": f'<p><a href="{url("/slow")}">Slow site</a></p>'}},
        {"type": "text", "value": f'<p>Shared: <a href="{url("/ok?shared")}">shared link</a></p>'},
    ]


def test_links_are_extracted_from_rich_text_and_link_blocks(web_server):
    _publish_body(KARTA, _body(web_server.url))
    found = linkcheck.links_in_page(source(KARTA))
    url = web_server.url
    assert found == {
        url("/ok"): "the office",
        url("/missing"): "Old form",
        url("/no-head"): "Office site",
        url("/error"): "Booking system",
        url("/moved"): "Map",
        url("/moved-to-missing"): "Old address",
        url("/slow"): "Slow site",
        url("/ok?shared"): "shared link",
    }  # no mailto:, tel:, internal page link or relative link
    assert web_server.seen == []  # extracting asks nobody


def test_collect_keeps_rows_in_line_with_live_pages(web_server):
    _publish_body(KARTA, _body(web_server.url))
    summary = linkcheck.collect_links()
    karta_links = ExternalLink.objects.filter(page=source(KARTA))
    assert karta_links.count() == 8
    assert summary["added"] == 8
    # The link of the body that was replaced (the test content's own link block) is not there.
    assert not ExternalLink.objects.filter(url="https://urzad.example.org/cudzoziemcy").exists()

    _publish_body(KARTA, _body(web_server.url)[:2])  # the editor removes most links
    summary = linkcheck.collect_links()
    assert set(karta_links.values_list("url", flat=True)) == {web_server.url("/ok"), web_server.url("/missing")}
    assert summary["removed"] == 6

    source(KARTA).unpublish()
    linkcheck.collect_links()
    assert not ExternalLink.objects.filter(page=source(KARTA)).exists()


def test_check_against_a_local_server(web_server, settings):
    settings.OTWARTA_LINKCHECK_TIMEOUT = 0.5
    settings.OTWARTA_LINKCHECK_WORKERS = 3
    settings.OTWARTA_LINKCHECK_USER_AGENT = "OtwartaTestChecker/1.0"
    url = web_server.url
    _publish_body(KARTA, _body(url))
    _publish_body(PESEL, [{"type": "text", "value": f'<p><a href="{url("/ok?shared")}">the same link</a></p>'}])

    started = time.monotonic()
    summary = linkcheck.run()
    elapsed = time.monotonic() - started
    links = {(link.page.slug, link.url): link for link in ExternalLink.objects.select_related("page")}

    def get(path: str, slug: str = KARTA) -> ExternalLink:
        return links[(slug, url(path))]

    assert (get("/ok").status_code, get("/ok").broken, get("/ok").final_url) == (200, False, "")
    assert (get("/missing").status_code, get("/missing").broken) == (404, True)
    assert (get("/error").status_code, get("/error").broken) == (500, True)
    moved = get("/moved")
    assert (moved.status_code, moved.broken, moved.final_url, moved.redirected) == (200, False, url("/ok"), True)
    to_missing = get("/moved-to-missing")
    assert (to_missing.status_code, to_missing.broken, to_missing.final_url) == (404, True, url("/missing"))
    no_head = get("/no-head")
    assert (no_head.status_code, no_head.broken) == (200, False)
    slow = get("/slow")
    assert slow.broken and slow.status_code is None and slow.error_kind == LinkError.TIMEOUT
    with translation.override("en"):
        assert slow.problem == "No answer in time"
        assert get("/missing").problem == "HTTP 404"
        assert get("/ok").problem == ""
    assert get("/ok?shared", PESEL).status_code == 200 and get("/ok?shared", PESEL).text == "the same link"
    assert all(link.last_checked is not None for link in links.values())

    seen = web_server.seen
    assert ("HEAD", "/no-head") in [(m, p) for m, p, _ua in seen]
    assert ("GET", "/no-head") in [(m, p) for m, p, _ua in seen]  # HEAD refused with 405: GET instead
    assert [(m, p) for m, p, _ua in seen].count(("HEAD", "/ok?shared")) == 1  # one request per address
    assert not [p for m, p, _ua in seen if m == "GET" and p in ("/ok", "/missing", "/error")]  # HEAD sufficed
    assert {ua for _m, _p, ua in seen} == {"OtwartaTestChecker/1.0"}
    assert summary["broken"] == 4 and summary["addresses"] == 8 and summary["checked"] == 9
    assert elapsed < 10  # the slow server did not hold the run beyond the timeout

    # Failures count up run after run; a link that works again is cleared.
    ExternalLink.objects.filter(pk=get("/ok").pk).update(broken=True, consecutive_failures=5)
    linkcheck.check_links()
    assert ExternalLink.objects.get(pk=get("/missing").pk).consecutive_failures == 2
    ok = ExternalLink.objects.get(pk=get("/ok").pk)
    assert (ok.broken, ok.consecutive_failures) == (False, 0)


def test_connection_refused_is_broken(settings):
    import socket

    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = linkcheck.check_url(f"http://127.0.0.1:{port}/", timeout=1)
    assert result.broken and result.error_kind == LinkError.CONNECTION and result.status_code is None


def test_task_command_and_report(web_server, settings, user, client):
    settings.OTWARTA_LINKCHECK_TIMEOUT = 0.5
    _publish_body(PESEL, [{"type": "link", "value": {"title": "Gone", "url": web_server.url("/missing"),
                                                     "description": "", "language": ""}}])
    _publish_body(KARTA, [{"type": "text", "value": f'<p><a href="{web_server.url("/ok")}">fine</a></p>'}])
    result = check_external_links.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["broken"] == 1

    call_command("check_links", "--now")
    assert ExternalLink.objects.get(url=web_server.url("/missing")).consecutive_failures == 2

    client.force_login(user("fundacja-editor"))
    html = client.get(reverse("otwarta_currency:broken_links")).content.decode()
    assert web_server.url("/missing") in html and "Gone" in html
    client.force_login(user("urzad-editor"))
    html = client.get(reverse("otwarta_currency:broken_links")).content.decode()
    assert web_server.url("/missing") not in html
