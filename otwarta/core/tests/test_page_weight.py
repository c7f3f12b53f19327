"""Light pages: what an article costs the reader's connection, and what a page view costs the database.

Weight: the article page's HTML and every stylesheet and script it references (the service worker that
site.js registers included), each gzip-compressed at level 6 as GZipMiddleware and WhiteNoise serve them,
must stay within 50 KB together (an article without images).

Queries: at most 10 SQL queries per page view of the home, topic, article, search and 404 pages, in Polish,
Ukrainian and Georgian. Each test first requests the English home page (a page that is not measured) so
that Wagtail's cache of site root paths is filled, as it is on a running server after its first request;
the measured request is otherwise cold: its page, its translations and its content are read anew.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from otwarta.core.languages import page_translations
from otwarta.portal.models import ArticlePage, InstitutionPage

pytestmark = pytest.mark.django_db

ARTICLE = "instytucje/urzad/karta-pobytu/"
MAX_COMPRESSED_BYTES = 50 * 1024
MAX_QUERIES = 10
PAGES = {
    "home": ("", 200),
    "topic": ("pobyt/", 200),
    "article": (ARTICLE, 200),
    "search": ("search/?q=karta", 200),
    "404": ("this-page-does-not-exist/", 404),
}


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), f"{url} is not a static file of the site"
    found = finders.find(url[len(settings.STATIC_URL):].split("?")[0])
    assert found, f"{url} is referenced by the page but not found among the static files"
    return Path(found)


def page_assets(html: str) -> list[str]:
    """URLs of the stylesheets and scripts the page loads (not alternates, the manifest or the icon)."""
    urls = re.findall(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"', html)
    urls += re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    return urls


@pytest.mark.parametrize("language", ["pl", "uk", "ka"])
def test_article_page_transfers_at_most_50_kb(client: Client, portal: Any, language: str) -> None:
    response = client.get(f"/{language}/{ARTICLE}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    # what GZipMiddleware sent is what the reader downloads
    assert response.get("Content-Encoding") == "gzip"
    html_compressed = len(response.content)
    html = gzip.decompress(response.content).decode()
    assets = page_assets(html)
    assert any(url.endswith(".css") for url in assets), "the page has no stylesheet"
    sizes = {url: gzipped_size(static_file(url).read_bytes()) for url in assets}
    # site.js registers the service worker: the reader's browser downloads it on the first visit too
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    sizes["/sw.js"] = gzipped_size(worker.content)
    total = html_compressed + sum(sizes.values())
    report = ", ".join(f"{url} {size} B" for url, size in sizes.items())
    print(f"\n/{language}/{ARTICLE}: HTML {html_compressed} B, {report}; total {total} B")
    assert total <= MAX_COMPRESSED_BYTES, f"the article page transfers {total} bytes compressed ({report})"


def test_page_assets_come_from_the_site_itself(client: Client, portal: Any) -> None:
    html = client.get(f"/pl/{ARTICLE}").content.decode()
    loaded = page_assets(html) + re.findall(r'<link\b(?=[^>]*\brel="(?:icon|manifest)")[^>]*\bhref="([^"]+)"', html)
    assert len(loaded) >= 4
    for url in loaded:
        assert url.startswith("/") and not url.startswith("//"), url


@pytest.mark.parametrize("language", ["pl", "uk", "ka"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_view_needs_at_most_10_queries(client: Client, portal: Any, django_assert_max_num_queries: Any,
                                            name: str, language: str) -> None:
    path, status = PAGES[name]
    assert client.get("/en/").status_code == 200  # fills Wagtail's site root paths cache (see module doc)
    # The first view of a translated page also reads its translation status (one query), cached until a
    # publication or review changes it (otwarta.translations).
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        client.get(f"/{language}/{path}")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/{language}/{path}")
    assert response.status_code == status


# --- the optimisations keep Wagtail's rules --------------------------------------------------------------

def restricted_section() -> tuple[InstitutionPage, ArticlePage]:
    section = InstitutionPage.objects.get(locale__language_code="pl", slug="urzad")
    article = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    return section, article


def test_view_restrictions_in_one_query_match_wagtails(portal: Any, django_assert_num_queries: Any) -> None:
    section, article = restricted_section()
    alias = section.create_alias(update_slug="urzad-kopia")
    other = ArticlePage.objects.get(locale__language_code="pl", slug="pesel")
    home = Page.objects.get(depth=2, locale__language_code="pl").specific
    for page in (article, section, alias.specific, other, home):
        with django_assert_num_queries(1):
            ours = set(page.get_view_restrictions())
        assert ours == set(Page.get_view_restrictions(page)), page.url_path
    assert set(article.get_view_restrictions()) == set(PageViewRestriction.objects.filter(page=section))
    assert set(alias.specific.get_view_restrictions()) == set(PageViewRestriction.objects.filter(page=section))
    assert not other.get_view_restrictions().exists()


def test_restricted_article_still_asks_for_login(client: Client, portal: Any) -> None:
    restricted_section()
    response = client.get(f"/pl/{ARTICLE}")
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.get("/pl/instytucje/fundacja/pesel/").status_code == 200


def test_private_translations_are_not_offered(portal: Any) -> None:
    article = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    assert set(page_translations(article)) == {"pl", "en", "uk", "ka"}
    uk_section = InstitutionPage.objects.get(locale__language_code="uk", slug="urzad")
    PageViewRestriction.objects.create(page=uk_section, restriction_type=PageViewRestriction.LOGIN)
    assert set(page_translations(article)) == {"pl", "en", "ka"}
    assert set(page_translations(article)) == {
        p.locale.language_code for p in article.get_translations(inclusive=True).live().public()
    }


def test_fast_route_serves_what_wagtails_route_serves(client: Client, portal: Any) -> None:
    article = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    response = client.get(f"/pl/{ARTICLE}")
    assert response.status_code == 200
    assert response.context["page"] == article
    assert isinstance(response.context["page"], ArticlePage)
    assert response.context["topic_page"] == article.topic
    # an unpublished page is not served, nor is a URL below an article
    article.unpublish()
    assert client.get(f"/pl/{ARTICLE}").status_code == 404
    assert client.get("/pl/instytucje/fundacja/pesel/nothing-here/").status_code == 404


def test_article_lists_whom_and_where_it_applies_to(client: Client, portal: Any) -> None:
    article = ArticlePage.objects.get(locale__language_code="pl", slug="karta-pobytu")
    response = client.get(f"/pl/{ARTICLE}")
    assert response.context["audiences"] == [str(a) for a in article.audiences.all()]
    assert response.context["situations"] == [str(s) for s in article.residence_situations.all()]
    assert response.context["areas"] == [str(a) for a in article.areas.all()]
    assert response.context["audiences"] and response.context["situations"]
    pesel = ArticlePage.objects.get(locale__language_code="pl", slug="pesel")
    assert pesel.reader_labels()["areas"] == [str(a) for a in pesel.areas.all()] != []
