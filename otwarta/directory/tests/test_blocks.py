"""The article block that embeds a service card, and the service page's links back to those articles."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from wagtail.models import Locale

from otwarta.directory import testing as f
from otwarta.directory.blocks import ServiceCardBlock
from otwarta.directory.models import Service, ServiceStatus
from otwarta.pagecache.services import invalidate_all
from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish

pytestmark = pytest.mark.django_db


def get(path: str) -> str:
    response = Client().get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def add_card(page: ArticlePage, service: Service, note: str = "") -> None:
    page.body = [*[dict(b) for b in page.body.raw_data],  # type: ignore[assignment]
                 {"type": "service", "value": {"service": service.pk, "note": note}}]
    page.save()
    publish(page)


@pytest.fixture
def clinic(portal: Any) -> Service:
    svc = f.service("Poradnia dla cudzoziemców", hours=(("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59"),),
                    at=f.location(f.organization(), closed_on_public_holidays=False))
    f.translate(svc, "uk", name="Консультація для іноземців")
    return svc


def test_card_in_an_article_and_the_backlink(clinic):
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    add_card(article, clinic, "Tu pomogą wypełnić wniosek.")
    html = get(article.url)
    assert '<a href="/pl/uslugi/poradnia-dla-cudzoziemcow/">Poradnia dla cudzoziemców</a>' in html
    assert "Tu pomogą wypełnić wniosek." in html and "dir-open" in html
    translated = article.get_translation(Locale.objects.get(language_code="uk"))
    add_card(translated, clinic)
    html = get(translated.url)
    assert '<a href="/uk/uslugi/poradnia-dla-cudzoziemcow/">Консультація для іноземців</a>' in html
    # the service page lists the articles in the reader's language
    assert f'href="{translated.url}"' in get("/uk/uslugi/poradnia-dla-cudzoziemcow/")
    assert f'href="{article.url}"' in get("/pl/uslugi/poradnia-dla-cudzoziemcow/")
    assert "/karta-pobytu/" not in get("/ru/uslugi/poradnia-dla-cudzoziemcow/").split("<main")[1]  # no ru article


def test_card_falls_back_to_polish_and_hides_defunct_services(clinic):
    other = f.service("Punkt informacyjny", hours=())
    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="uk")
    add_card(article, other)
    html = get(article.url)
    assert '<a href="/uk/uslugi/punkt-informacyjny/" lang="pl">Punkt informacyjny</a>' in html
    Service.objects.filter(pk=other.pk).update(status=ServiceStatus.DEFUNCT)
    invalidate_all("test: a QuerySet.update() sends no signal")  # an editor's save would
    assert "/uslugi/punkt-informacyjny/" not in get(article.url)


def test_block_stores_the_polish_row(clinic):
    translated = Service.objects.get(translation_key=clinic.translation_key, locale__language_code="uk")
    value = ServiceCardBlock().clean(ServiceCardBlock().to_python({"service": translated.pk, "note": ""}))
    assert value["service"].pk == clinic.pk
