"""The public form (pre-filling, validation that keeps what was typed, spam defences, rate limit), the page
with the private link, and following and cancelling a request by its link."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from otwarta.assistance.forms import form_timestamp
from otwarta.assistance.models import AssistanceRequest, RequestState
from otwarta.assistance.tests.helpers import World, county, form_data, make_request

pytestmark = pytest.mark.django_db

URL = "/pl/zamow-tlumacza/"


def test_get_prefills_register_and_language_from_the_query(world: World, client: Client) -> None:
    response = client.get(URL + "?register=interpreter&language=uk")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="interpreter" id="id_register_0" checked' in html or (
        'id="id_register_0"' in html and 'value="interpreter"' in html and "checked" in html)
    assert '<option value="uk" selected>' in html
    assert 'name="website"' in html and 'name="started"' in html  # the spam defences
    assert "<script" not in html.split("</head>")[1]  # no inline scripts in the page body
    assert "style=" not in html


def test_the_form_is_reachable_in_every_language_h3_links_to(client: Client, world: World) -> None:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("uk"):
        url = reverse("assistance:request")
    assert url == "/uk/zamow-tlumacza/"
    assert client.get(url + "?register=mediator&language=ka").status_code == 200


def test_a_valid_request_is_saved_and_the_link_shown_once(world: World, client: Client,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(world))
    assert response.status_code == 302 and response["Location"] == "/pl/zamow-tlumacza/wyslano/"
    req = AssistanceRequest.objects.get()
    assert (req.register, req.language, req.state, req.on_site) == (world.register, "uk", RequestState.NEW, False)
    assert req.starts_at == world.when and req.consent_at is not None
    page = client.get("/pl/zamow-tlumacza/wyslano/")
    assert page.status_code == 200
    link = next(line for line in page.content.decode().split('"') if "/pl/zamow-tlumacza/" in line
                and line.rstrip("/").split("/")[-1] not in ("zamow-tlumacza", "wyslano"))
    token = link.rstrip("/").split("/")[-1]
    assert req.token_matches(token)
    assert page["Referrer-Policy"] == "same-origin"  # not "no-referrer": the forms would send Origin: null
    # shown once: the token left the session
    again = client.get("/pl/zamow-tlumacza/wyslano/")
    assert again.status_code == 302 and token not in again.content.decode()
    # and e-mailed to the requester
    assert any(token in m.body for m in mail.outbox if m.to == ["mykola@example.com"])


def test_follow_page_and_cancel(world: World, client: Client) -> None:
    req, token = make_request(world)
    page = client.get(f"/uk/zamow-tlumacza/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="/uk/zamow-tlumacza/{token}/anuluj/"' in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    response = client.post(f"/uk/zamow-tlumacza/{token}/anuluj/", {"version": req.version})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == RequestState.CANCELLED
    after = client.get(f"/uk/zamow-tlumacza/{token}/").content.decode()
    assert "/anuluj/" not in after  # nothing left to cancel


def test_follow_shows_the_assigned_person_public_contact_only(world: World, client: Client) -> None:
    from django.contrib.auth import get_user_model

    from otwarta.assistance import services

    req, token = make_request(world)
    services.transition(req, "assign", user=get_user_model().objects.get(username="region"), expected_version=1,
                        person=world.on_duty)
    services.transition(req, "note", user=get_user_model().objects.get(username="region"), expected_version=2,
                        note="Tajna notatka koordynatora")
    html = client.get(f"/pl/zamow-tlumacza/{token}/").content.decode()
    assert "Olena Dyżurna" in html and "+48 12 000 11 22" in html
    assert "+48 600 000 000" not in html and "olena@example.org" not in html
    assert "Tajna notatka" not in html


def test_cancel_needs_post_and_the_current_version(world: World, client: Client) -> None:
    req, token = make_request(world)
    assert client.get(f"/pl/zamow-tlumacza/{token}/anuluj/").status_code == 405
    stale = client.post(f"/pl/zamow-tlumacza/{token}/anuluj/", {"version": 0})
    assert stale.status_code == 409
    req.refresh_from_db()
    assert req.state == RequestState.NEW


def test_cancel_is_csrf_protected(world: World) -> None:
    req, token = make_request(world)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/pl/zamow-tlumacza/{token}/anuluj/", {"version": 1}).status_code == 403
    req.refresh_from_db()
    assert req.state == RequestState.NEW


def test_wrong_token_is_404(world: World, client: Client) -> None:
    _req, token = make_request(world)
    wrong = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    assert client.get(f"/pl/zamow-tlumacza/{wrong}/").status_code == 404
    assert client.post(f"/pl/zamow-tlumacza/{wrong}/anuluj/", {"version": 1}).status_code == 404
    assert client.get("/pl/zamow-tlumacza/short/").status_code == 404


def assert_kept(html: str) -> None:
    for typed in ("Mykola Petrenko", "mykola@example.com", "+48 601 222 333", "Wizyta u lekarza rodzinnego."):
        assert typed in html


def test_invalid_input_keeps_what_was_typed_with_an_error_summary(world: World, client: Client) -> None:
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(URL, form_data(world, date=past, consent=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert_kept(html)
    assert 'class="rq-summary" role="alert"' in html
    assert 'href="#id_date"' in html and 'href="#id_consent"' in html
    assert 'aria-describedby="id_date_hint id_date_error"' in html
    assert 'aria-invalid="true"' in html
    assert AssistanceRequest.objects.count() == 0


def test_messages_are_in_the_readers_language(world: World, client: Client) -> None:
    response = client.post("/en/zamow-tlumacza/", form_data(world, email="", phone=""))
    assert response.status_code == 400
    assert "Give an e-mail address or a phone number" in response.content.decode()


def test_on_site_needs_address_and_county(world: World, client: Client) -> None:
    response = client.post("/en/zamow-tlumacza/", form_data(world, on_site="on_site"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_address"' in html and 'href="#id_county"' in html
    ok = client.post("/en/zamow-tlumacza/", form_data(world, on_site="on_site", address="ul. Długa 1",
                                                      county=county("1261").pk))
    assert ok.status_code == 302
    req = AssistanceRequest.objects.get()
    assert req.on_site and req.county == county("1261") and req.address == "ul. Długa 1"


def test_honeypot_refuses_and_keeps_input(world: World, client: Client) -> None:
    response = client.post(URL, form_data(world, website="http://spam.example"))
    assert response.status_code == 400
    html = response.content.decode()
    assert_kept(html)
    assert "http://spam.example" not in html  # the honeypot is emptied
    assert AssistanceRequest.objects.count() == 0


@pytest.mark.parametrize("started", ["too-fast", "too-old", "forged", ""])
def test_signed_timestamp_refuses_and_keeps_input(world: World, client: Client, started: str) -> None:
    value = {
        "too-fast": form_timestamp(time.time()),
        "too-old": form_timestamp(time.time() - 7 * 3600),
        "forged": "1700000000:forged",
        "": "",
    }[started]
    response = client.post(URL, form_data(world, started=value))
    assert response.status_code == 400
    assert_kept(response.content.decode())
    assert AssistanceRequest.objects.count() == 0
    # the page carries a fresh timestamp: sending again a moment later works
    from django.core import signing

    from otwarta.assistance.forms import TIMESTAMP_SALT

    fresh = response.context["form"].data["started"]
    assert abs(signing.loads(fresh, salt=TIMESTAMP_SALT) - time.time()) < 5
    assert f'value="{fresh}"' in response.content.decode()


def test_rate_limit_answers_429_and_keeps_input(world: World, client: Client) -> None:
    for number in range(5):
        response = client.post(URL, form_data(world, requester_name=f"Osoba {number}"))
        assert response.status_code == 302, number
    limited = client.post("/en/zamow-tlumacza/", form_data(world))
    assert limited.status_code == 429
    html = limited.content.decode()
    assert_kept(html)
    assert "Please wait before sending another request" in html
    assert AssistanceRequest.objects.count() == 5
    # another address is not affected
    other = client.post(URL, form_data(world), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_daily_rate_limit(world: World, client: Client, settings: Any) -> None:
    settings.OTWARTA_REQUEST_RATE_LIMITS = ("100/h", "3/d")
    for _number in range(3):
        assert client.post(URL, form_data(world)).status_code == 302
    assert client.post(URL, form_data(world)).status_code == 429


def test_invalid_input_does_not_use_up_the_rate_limit(world: World, client: Client) -> None:
    for _number in range(6):
        assert client.post(URL, form_data(world, requester_name="")).status_code == 400
    assert client.post(URL, form_data(world)).status_code == 302
