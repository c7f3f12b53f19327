"""Editors' tools: "Try the guide" and the "Coverage report", for those who may edit the guide page."""

from __future__ import annotations

import json
from html import unescape
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from otwarta.core.testing import signed_in_client
from otwarta.guide import wagtail_hooks
from otwarta.guide.tests.test_engine import KRAKOW, article, make_guide, rec, rule, when
from otwarta.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


def _guide() -> Any:
    return make_guide([
        rule("Wszyscy", [], [rec("do", 90, "Zapisz numer 112.")]),
        rule("Lekarz", [when("need", "doctor")], [rec("do", 10, "Zapisz się do lekarza rodzinnego."),
                                                  rec("read", 20, page=article("karta-pobytu").pk)]),
    ])


def _urls(page: Any) -> dict[str, str]:
    return {"try": reverse("otwarta_guide:try", args=[page.pk]),
            "coverage": reverse("otwarta_guide:coverage", args=[page.pk])}


@pytest.mark.parametrize("username", ["region", "admin"])
def test_those_who_can_edit_the_guide_try_it_with_any_answers(portal: Any, username: str) -> None:
    page = _guide()
    client = signed_in_client(username)
    response = client.get(_urls(page)["try"] + "?need=doctor&place=" + KRAKOW)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Try the guide" in html
    assert "Zapisz się do lekarza rodzinnego." in html and "Zapisz numer 112." in html
    assert "Karta pobytu czasowego" in html and "/pl/instytucje/urzad/karta-pobytu/" in html
    assert html.index("Zapisz się do lekarza rodzinnego.") < html.index("Lekarz</td>")  # the rule behind it
    assert 'name="need" value="doctor"' in html and "checked" in html
    assert f'<option value="{KRAKOW}" selected>Kraków</option>' in html
    assert "3 items" in html
    assert "/pl/przewodnik-testowy/?need=doctor&place=1261" in html  # the same answers on the site
    empty = unescape(client.get(_urls(page)["try"]).content.decode())
    assert "1 item" in empty and "Zapisz się do lekarza rodzinnego." not in empty


def test_try_uses_the_latest_draft_of_the_rules(portal: Any) -> None:
    page = _guide()
    page.rules = json.dumps([rule("Nowa reguła", [], [rec("do", 5, "Nowa rzecz do zrobienia.")])])
    page.save_revision()
    html = unescape(signed_in_client("region").get(_urls(page)["try"]).content.decode())
    assert "Nowa rzecz do zrobienia." in html and "Zapisz numer 112." not in html
    assert "changes that are not published yet" in html


def test_coverage_report_lists_empty_and_thin_combinations_readably(portal: Any) -> None:
    page = make_guide([
        rule("PESEL", [when("residence", "pesel-ukr")], [rec("do", 10, "A"), rec("do", 20, "B"), rec("do", 30, "C")]),
        rule("Lekarz", [when("need", "doctor")], [rec("do", 10, "D")]),
        rule("Nigdy", [when("age", "child")], [rec("do", 10, "E")]),
    ])
    response = signed_in_client("region").get(_urls(page)["coverage"])
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<dd>460</dd>" in html and "<dd>276</dd>" in html and "<dd>92</dd>" in html
    assert "With a thin checklist (fewer than 3 items)" in html
    assert "Residence: not answered / Residence card / Visa / Eu citizen · Needs: not answered / Pregnancy / Housing" \
        in html
    assert "Residence: not answered / Residence card / Visa / Eu citizen · Needs: Doctor" in html
    assert _urls(page)["try"] + '?need=doctor"' in response.content.decode()  # an example of the pattern
    assert "<li>Nigdy</li>" in html


@pytest.mark.parametrize("username", ["urzad-editor", "fundacja-moderator"])
def test_institution_staff_without_rights_on_the_guide_get_403(portal: Any, username: str) -> None:
    page = _guide()
    client = signed_in_client(username)
    for url in _urls(page).values():
        response = client.get(url)
        assert response.status_code == 403
        assert "Only those who may edit the situation guide" in response.content.decode()
    user = get_user_model().objects.get(username=username)
    assert list(wagtail_hooks.page_header_guide_buttons(page, user)) == []


def test_anonymous_visitors_are_sent_to_sign_in(portal: Any) -> None:
    page = _guide()
    response = signed_in_client("anonymous").get(_urls(page)["try"])
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_guide_page_links_both_tools_for_its_editors_only(portal: Any) -> None:
    page = _guide()
    region = get_user_model().objects.get(username="region")
    with translation.override("en"):
        buttons = [(str(b.label), b.url) for b in wagtail_hooks.page_header_guide_buttons(page, region)]
    assert buttons == [("Try the guide", _urls(page)["try"]),
                                                        ("Coverage report", _urls(page)["coverage"])]
    listing = list(wagtail_hooks.page_listing_guide_buttons(page.page_ptr, region))  # a plain Page in listings
    assert [b.url for b in listing] == list(_urls(page).values())
    assert list(wagtail_hooks.page_header_guide_buttons(ArticlePage.objects.first(), region)) == []
    edit = signed_in_client("region").get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert _urls(page)["try"] in html and _urls(page)["coverage"] in html
