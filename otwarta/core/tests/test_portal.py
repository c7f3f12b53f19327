"""The public portal: languages, alternates, sitemap, health, errors, emergency numbers."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import connections
from django.db.utils import OperationalError
from wagtail.models import Page

from otwarta.core.languages import direction
from otwarta.portal.models import ArticlePage, HomePage, TopicPage

ARTICLE_PL = "/pl/instytucje/urzad/karta-pobytu/"
ARTICLE_UK = "/uk/instytucje/urzad/karta-pobytu/"
PESEL_PL = "/pl/instytucje/fundacja/pesel/"


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


@pytest.mark.django_db
def test_healthz_503_when_database_fails(client):
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_root_redirects_to_a_language(client, portal):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 302
    assert response["Location"] == "/uk/"


@pytest.mark.parametrize("code", ["pl", "en", "uk", "ru", "be", "ka"])
def test_home_in_every_language_has_lang_and_dir(client, portal, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}" dir="ltr">' in html


def test_direction_of_right_to_left_languages():
    assert direction("ar") == "rtl"
    assert direction("he") == "rtl"
    assert direction("fa") == "rtl"
    assert direction("uk") == "ltr"


def test_language_switcher_keeps_reader_on_same_page(client, portal):
    html = client.get(ARTICLE_PL).content.decode()
    nav = re.search(r'<nav class="langs".*?</nav>', html, re.S).group(0)
    assert f'href="{ARTICLE_UK}"' in nav
    assert 'href="/en/instytucje/urzad/karta-pobytu/"' in nav
    # No Russian translation: the link goes to a notice in Russian.
    page = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    assert f'href="/ru/unavailable/{page.pk}/"' in nav


def test_language_switcher_carries_the_query_string(client, portal):
    """A pathway's situation or the guide's answers (keys are the same in every language) and the directory's
    filters survive a change of language; the notice for a missing translation takes no parameters."""
    html = client.get(f"{ARTICLE_PL}?insurance=not-insured&need=doctor").content.decode()
    nav = re.search(r'<nav class="langs".*?</nav>', html, re.S).group(0)
    assert f'href="{ARTICLE_UK}?insurance=not-insured&amp;need=doctor"' in nav
    page = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    assert f'href="/ru/unavailable/{page.pk}/"' in nav
    html = client.get("/pl/uslugi/?q=lekarz&language=uk").content.decode()
    nav = re.search(r'<nav class="langs".*?</nav>', html, re.S).group(0)
    assert 'href="/uk/uslugi/?q=lekarz&amp;language=uk"' in nav


def test_missing_translation_notice_lists_available_versions(client, portal):
    page = ArticlePage.objects.get(slug="pesel", locale__language_code="pl")
    response = client.get(f"/uk/unavailable/{page.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="uk"' in html
    assert 'href="/pl/instytucje/fundacja/pesel/"' in html
    assert 'href="/en/instytucje/fundacja/pesel/"' in html
    assert 'name="robots" content="noindex"' in html


def test_missing_translation_redirects_when_it_exists(client, portal):
    page = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    response = client.get(f"/uk/unavailable/{page.pk}/")
    assert response.status_code == 302
    assert response["Location"] == ARTICLE_UK


def test_hreflang_alternates(client, portal):
    html = client.get(ARTICLE_PL).content.decode()
    alternates = set(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html))
    codes = {code for code, _url in alternates}
    assert codes == {"pl", "en", "uk", "ka", "x-default"}
    assert ("x-default", "http://testserver" + ARTICLE_PL) in alternates


def test_sitemap_lists_every_public_page_with_alternates(client, portal):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    live = Page.objects.filter(depth__gte=2).live().public().count()
    assert xml.count("<url>") == live
    assert "<loc>http://testserver/uk/instytucje/urzad/karta-pobytu/</loc>" in xml
    assert 'hreflang="ka" href="http://testserver/ka/instytucje/urzad/karta-pobytu/"' in xml


def test_sitemap_excludes_unpublished_pages(client, portal):
    page = ArticlePage.objects.get(slug="pesel", locale__language_code="pl")
    page.unpublish()
    xml = client.get("/sitemap.xml").content.decode()
    assert "/pl/instytucje/fundacja/pesel/" not in xml


def test_article_shows_checked_by_institution(client, portal):
    html = client.get(ARTICLE_PL).content.decode()
    assert "Urząd Testowy w Krakowie" in html
    assert "Karta pobytu czasowego" in html


@pytest.mark.parametrize("path", [ARTICLE_PL, "/uk/", "/ka/pobyt/", "/pl/search/?q=karta", "/pl/nie-ma/"])
def test_emergency_numbers_on_every_page(client, portal, path):
    html = client.get(path).content.decode()
    assert 'href="/' in html and "/emergency/" in html
    assert 'href="tel:112"' in html


def test_emergency_page(client, portal):
    response = client.get("/uk/emergency/")
    assert response.status_code == 200
    assert 'href="tel:112"' in response.content.decode()


def test_404_in_readers_language(client, portal):
    response = client.get("/uk/nie-ma-takiej-strony/")
    assert response.status_code == 404
    assert '<html lang="uk"' in response.content.decode()


@pytest.mark.parametrize("path", ["/xx/", "/xx/foo/", "/de-at/karta/", "/zz/instytucje/"])
def test_unknown_language_prefix_is_404(client, portal, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["%", "%%%", "q=%ZZ", "page=abc&page=2", "q=" + "a" * 5000, "q=%00", "a[b]=c", "q=\u202e", "=&&=="],
)
def test_malformed_query_strings_never_500(client, portal, query):
    for path in ("/pl/", ARTICLE_PL, "/pl/search/", "/uk/pobyt/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)


def test_demo_banner_is_configurable(client, portal, settings):
    settings.OTWARTA_DEMO_BANNER = True
    assert 'class="demo"' in client.get("/pl/").content.decode()
    settings.OTWARTA_DEMO_BANNER = False
    assert 'class="demo"' not in client.get("/pl/").content.decode()


def test_topic_lists_articles_of_all_institutions_in_its_language(client, portal):
    html = client.get("/pl/pobyt/").content.decode()
    assert "Karta pobytu czasowego" in html
    assert "Numer PESEL dla obywateli Ukrainy" in html
    html_uk = client.get("/uk/pobyt/").content.decode()
    assert "Посвідка на тимчасове проживання" in html_uk
    assert "Numer PESEL" not in html_uk


def test_demo_loader_is_idempotent(portal):
    from otwarta.core.testing import build_test_portal

    counts = (Page.objects.count(), HomePage.objects.count(), TopicPage.objects.count(), ArticlePage.objects.count())
    report = build_test_portal()
    assert report.created == []
    assert report.updated == []
    assert counts == (Page.objects.count(), HomePage.objects.count(), TopicPage.objects.count(),
                      ArticlePage.objects.count())


def test_article_belongs_to_the_institution_of_its_section(portal):
    for article in ArticlePage.objects.all():
        assert article.institution_id == article.get_parent().specific.institution_id


def test_new_locale_is_configuration_only(settings):
    from django.conf.locale import LANG_INFO

    # Any language Django knows can be added through OTWARTA_LANGUAGES; names and direction come from it.
    assert LANG_INFO["ar"]["bidi"] is True
    assert dict(settings.LANGUAGES)["ka"] == "ქართული"
