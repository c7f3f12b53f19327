"""Hit, miss and bypass rules, keys, headers, conditional requests and compression of the page cache."""

from __future__ import annotations

import gzip

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import Page

from otwarta.pagecache import services
from otwarta.pagecache.middleware import PageCacheMiddleware

from .conftest import ARTICLE, ARTICLE_EN, body_of

pytestmark = pytest.mark.django_db


def test_miss_then_hit_without_touching_the_database(portal, anonymous, django_assert_num_queries) -> None:
    first = anonymous.get(ARTICLE)
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = anonymous.get(ARTICLE)
    assert second.status_code == 200
    assert second["X-Cache"] == "HIT"
    assert body_of(second) == body_of(first)
    assert b"karta" in body_of(second).lower() or b"Karta" in body_of(second)
    for response in (first, second):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=10, must-revalidate"
        assert response["X-Accel-Expires"] == "10"
        assert response["Surrogate-Control"] == "max-age=10"
        assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
        assert response["Last-Modified"]
        assert "Content-Security-Policy" in response  # outer middleware still runs on hits
    assert first["ETag"] == second["ETag"]


def test_proxy_seconds_follow_the_setting(portal, anonymous, settings) -> None:
    settings.OTWARTA_PROXY_CACHE_SECONDS = 25
    response = anonymous.get(ARTICLE)
    assert response["X-Accel-Expires"] == "25"
    assert response["Surrogate-Control"] == "max-age=25"


def test_head_is_served_from_the_cache(portal, anonymous) -> None:
    anonymous.get(ARTICLE)
    head = anonymous.head(ARTICLE)
    assert head["X-Cache"] == "HIT"
    assert head.content == b""
    assert int(head["Content-Length"]) > 1000


def test_key_per_language_and_query_string(portal, anonymous) -> None:
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"
    english = anonymous.get(ARTICLE_EN)
    assert english["X-Cache"] == "MISS"
    assert b'lang="en"' in body_of(english)
    assert anonymous.get(ARTICLE_EN)["X-Cache"] == "HIT"
    polish = anonymous.get(ARTICLE)
    assert polish["X-Cache"] == "HIT" and b'lang="pl"' in body_of(polish)
    assert anonymous.get(ARTICLE + "?a=1")["X-Cache"] == "MISS"
    assert anonymous.get(ARTICLE + "?a=1")["X-Cache"] == "HIT"
    assert anonymous.get(ARTICLE, HTTP_HOST="127.0.0.1")["X-Cache"] == "MISS"


@pytest.mark.parametrize("path", ["/admin/", "/api/hsds/services", "/robots.txt", "/", "/pl", "/sitemap.xml"])
def test_urls_outside_the_language_prefix_bypass(portal, anonymous, path) -> None:
    assert anonymous.get(path)["X-Cache"] == "BYPASS"
    assert anonymous.get(path)["X-Cache"] == "BYPASS"


def test_other_urls_keep_their_own_proxy_caching(portal, anonymous) -> None:
    response = anonymous.get("/robots.txt")
    assert "X-Accel-Expires" not in response
    assert "max-age=86400" in response["Cache-Control"]


def test_health_endpoint_is_answered_before_the_cache(portal, anonymous) -> None:
    assert "X-Cache" not in anonymous.get("/healthz")


def test_session_and_messages_cookies_bypass(portal, anonymous) -> None:
    anonymous.get(ARTICLE)
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "abc"
    assert anonymous.get(ARTICLE)["X-Cache"] == "BYPASS"
    other = Client()
    other.cookies["messages"] = "x"
    assert other.get(ARTICLE)["X-Cache"] == "BYPASS"
    neutral = Client()
    neutral.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert neutral.get(ARTICLE)["X-Cache"] == "HIT"  # a CSRF cookie alone shows nothing personal


def test_signed_in_editor_never_gets_or_fills_the_cache(portal, anonymous) -> None:
    from otwarta.core.testing import signed_in_client

    editor = signed_in_client("urzad-editor")
    response = editor.get(ARTICLE)
    assert response["X-Cache"] == "BYPASS"
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"
    assert editor.get(ARTICLE)["X-Cache"] == "BYPASS"


def test_post_bypasses(portal, anonymous) -> None:
    response = anonymous.post("/pl/search/", {"q": "x"})
    assert response["X-Cache"] == "BYPASS"


def test_form_page_with_csrf_cookie_is_not_stored(portal, anonymous) -> None:
    first = anonymous.get("/pl/zamow-tlumacza/")
    assert first.status_code == 200
    assert first.cookies  # the CSRF cookie
    assert first["X-Cache"] == "MISS"
    assert Client().get("/pl/zamow-tlumacza/")["X-Cache"] == "MISS"
    assert "public" not in first.get("Cache-Control", "")
    assert first["X-Accel-Expires"] == "0"


def test_404_is_not_stored(portal, anonymous) -> None:
    assert anonymous.get("/pl/no-such-page/").status_code == 404
    assert anonymous.get("/pl/no-such-page/")["X-Cache"] == "MISS"


def _middleware(response: HttpResponse) -> PageCacheMiddleware:
    return PageCacheMiddleware(lambda request: response)


@pytest.mark.parametrize("header,value", [
    ("Cache-Control", "private"), ("Cache-Control", "no-store"), ("Cache-Control", "max-age=0, no-cache"),
    ("Vary", "*"),
])
def test_responses_forbidding_caching_are_not_stored(portal, header, value) -> None:
    response = HttpResponse(b"<p>personal</p>" * 50, content_type="text/html")
    response[header] = value
    middleware = _middleware(response)
    factory = RequestFactory()
    first = middleware(factory.get("/pl/x/"))
    assert first["X-Cache"] == "MISS"
    assert first[header] == value  # what the view said is kept
    assert middleware(factory.get("/pl/x/"))["X-Cache"] == "MISS"


def test_set_cookie_response_is_not_stored(portal) -> None:
    response = HttpResponse(b"<p>hello</p>" * 50, content_type="text/html")
    response.set_cookie("tracking", "1")
    middleware = _middleware(response)
    assert middleware(RequestFactory().get("/pl/x/"))["X-Cache"] == "MISS"
    assert middleware(RequestFactory().get("/pl/x/"))["X-Cache"] == "MISS"


def test_view_cache_control_is_kept_and_csp_attributes_survive_a_hit(portal) -> None:
    response = HttpResponse(b"<p>hello</p>" * 50, content_type="text/html")
    response["Cache-Control"] = "max-age=300"
    response._csp_replace = {"img-src": ["'self'"]}  # type: ignore[attr-defined]
    middleware = _middleware(response)
    middleware(RequestFactory().get("/pl/x/"))
    hit = middleware(RequestFactory().get("/pl/x/"))
    assert hit["X-Cache"] == "HIT"
    assert hit["Cache-Control"] == "max-age=300"
    assert hit._csp_replace == {"img-src": ["'self'"]}  # type: ignore[attr-defined]


def test_preview_requests_bypass(portal) -> None:
    response = HttpResponse(b"<p>draft</p>" * 50, content_type="text/html")
    middleware = _middleware(response)
    request = RequestFactory().get("/pl/x/")
    request.is_dummy = True  # type: ignore[attr-defined]
    assert middleware(request)["X-Cache"] == "BYPASS"
    assert middleware(RequestFactory().get("/pl/x/"))["X-Cache"] == "MISS"


def test_disabled_cache_bypasses(portal, anonymous, settings) -> None:
    settings.OTWARTA_PAGE_CACHE_ENABLED = False
    anonymous.get(ARTICLE)
    assert anonymous.get(ARTICLE)["X-Cache"] == "BYPASS"


# --- conditional requests ---------------------------------------------------------------------------------
def test_if_none_match_gives_304_on_hit_and_miss(portal, anonymous) -> None:
    first = anonymous.get(ARTICLE)
    etag = first["ETag"]
    hit = anonymous.get(ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert hit.status_code == 304 and hit["X-Cache"] == "HIT" and hit.content == b""
    assert hit["ETag"] == etag
    services.clear()
    miss = anonymous.get(ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert miss.status_code == 304 and miss["X-Cache"] == "MISS"
    changed = anonymous.get(ARTICLE, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_if_modified_since(portal, anonymous) -> None:
    first = anonymous.get(ARTICLE)
    assert anonymous.get(ARTICLE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert anonymous.get(ARTICLE, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    # If-None-Match wins over If-Modified-Since
    response = anonymous.get(ARTICLE, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"], HTTP_IF_NONE_MATCH='"other"')
    assert response.status_code == 200


# --- compression ------------------------------------------------------------------------------------------
def test_gzip_and_plain_variants_from_one_entry(portal, anonymous) -> None:
    compressed = anonymous.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["X-Cache"] == "MISS"
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    plain = anonymous.get(ARTICLE)
    assert plain["X-Cache"] == "HIT"
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    assert int(plain["Content-Length"]) == len(plain.content)
    again = anonymous.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    assert again["X-Cache"] == "HIT" and again["Content-Encoding"] == "gzip"
    assert again.content == compressed.content  # compressed once, at store time
    assert again["ETag"] != plain["ETag"]  # two representations, two strong validators
    refused = anonymous.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert refused["X-Cache"] == "HIT" and "Content-Encoding" not in refused
    # either validator revalidates
    assert anonymous.get(ARTICLE, HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 304


def test_uncacheable_pages_are_still_compressed(portal, anonymous) -> None:
    response = anonymous.get("/pl/zamow-tlumacza/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["X-Cache"] == "MISS"
    assert response["Content-Encoding"] == "gzip"


def test_cache_entries_survive_in_other_processes_format(portal, anonymous) -> None:
    """Entries are plain picklable data (Redis shares them between app servers)."""
    import pickle

    anonymous.get(ARTICLE)
    cache = services.get_cache()
    digest = services.key_digest("testserver", ARTICLE, "", "pl")
    entry = cache.get(services.ENTRY_PREFIX + digest)
    assert entry is not None
    assert pickle.loads(pickle.dumps(entry)) == entry  # noqa: S301 (our own data)
    assert Page.objects.filter(url_path__endswith="/karta-pobytu/").exists()
