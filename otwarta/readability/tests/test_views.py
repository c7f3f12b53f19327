"""The JSON endpoint the editor panel posts the edit form to."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

pytestmark = pytest.mark.django_db

URL = "/admin/readability/analyse/"
LONG_SENTENCE = (
    "Wniosek o udzielenie zezwolenia na pobyt czasowy składa się osobiście w urzędzie wojewódzkim właściwym "
    "ze względu na miejsce pobytu cudzoziemca najpóźniej w ostatnim dniu legalnego pobytu."
)  # 26 words


def editor_client(username: str = "urzad-editor", **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_url_is_under_the_admin() -> None:
    assert reverse("readability:analyse") == URL


def test_anonymous_visitors_are_sent_to_the_login_page(portal) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(URL, {"readability_text": "Tekst.", "readability_language": "pl"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_anonymous_script_requests_are_refused(portal) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(URL, {"readability_text": "Tekst."}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403


def test_accounts_without_admin_access_are_refused(portal) -> None:  # type: ignore[no-untyped-def]
    user = get_user_model().objects.create_user(username="reader", password="x-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.post(URL, {"readability_text": "Tekst."}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403


def test_an_editor_gets_json(portal) -> None:  # type: ignore[no-untyped-def]
    response = editor_client().post(URL, {
        "readability_text": f"Krótkie zdanie. {LONG_SENTENCE}", "readability_language": "pl",
    })
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["language"] == "pl"
    assert data["result"]["sentences"] == 2
    assert data["result"]["words"] == 28
    assert data["result"]["index"]["kind"] == "fog_pl"
    assert data["result"]["long_sentences"] == [{"text": LONG_SENTENCE, "words": 26}]
    assert LONG_SENTENCE in data["html"]
    assert 'data-readability-figure="words">28<' in data["html"]
    assert data["summary"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_edit_form_data_is_read_like_wagtail_reads_it(portal) -> None:  # type: ignore[no-untyped-def]
    form = nested_form_data({
        "title": "Karta pobytu",
        "summary": "Jak złożyć wniosek.",
        "body": streamfield([
            ("text", rich_text(f"<p>{LONG_SENTENCE}</p><ul><li>Paszport</li></ul>")),
            ("warning", {"title": "Termin", "text": rich_text("<p>Nie zwlekaj.</p>")}),
            ("link", {"title": "Strona urzędu", "url": "https://urzad.example.org/a", "description": "",
                      "language": "pl"}),
        ]),
        "slug": "karta-pobytu",
        "readability_language": "pl",
    })
    response = editor_client().post(URL, form)
    assert response.status_code == 200
    result = response.json()["result"]
    # Karta pobytu | Jak złożyć wniosek. | the long sentence | Paszport | Termin | Nie zwlekaj. | Strona urzędu
    assert result["sentences"] == 7
    assert result["words"] == 2 + 3 + 26 + 1 + 1 + 2 + 2
    assert [sentence["words"] for sentence in result["long_sentences"]] == [26]


def test_the_language_decides_the_index(portal) -> None:  # type: ignore[no-untyped-def]
    client = editor_client()
    text = "Заяву подають до воєводського управління. Дозвіл потрібен для перебування в Польщі понад три місяці."
    data = client.post(URL, {"readability_text": text, "readability_language": "uk"}).json()
    assert data["result"]["index"]["kind"] == "oborneva"
    assert data["result"]["index"]["value"] == 47.5
    data = client.post(URL, {"readability_text": "განაცხადი შეგაქვთ.", "readability_language": "ka"}).json()
    assert data["result"]["index"] is None
    assert data["result"]["words"] == 2


def test_text_is_escaped_in_the_returned_html(portal) -> None:  # type: ignore[no-untyped-def]
    data = editor_client().post(URL, {
        "readability_text": "<script>alert(1)</script> " + LONG_SENTENCE, "readability_language": "pl",
    }).json()
    assert "<script>" not in data["html"]
    assert "&lt;script&gt;" in data["html"]


def test_only_post_is_accepted(portal) -> None:  # type: ignore[no-untyped-def]
    assert editor_client().get(URL).status_code == 405


@pytest.mark.parametrize("data", [
    {"readability_language": "pl", "title": "Tytuł", "body-count": "1"},           # block fields missing
    {"readability_language": "pl", "title": "Tytuł", "body-count": "many"},
])
def test_malformed_form_data_is_a_bad_request(portal, data) -> None:  # type: ignore[no-untyped-def]
    response = editor_client().post(URL, data)
    assert response.status_code == 400
    assert "error" in response.json()


def test_unknown_language_codes_are_refused(portal) -> None:  # type: ignore[no-untyped-def]
    response = editor_client().post(URL, {"readability_text": "Tekst.", "readability_language": "<b>pl"})
    assert response.status_code == 400


def test_csrf_is_enforced(portal) -> None:  # type: ignore[no-untyped-def]
    client = editor_client(enforce_csrf_checks=True)
    payload = {"readability_text": "Tekst.", "readability_language": "pl"}
    assert client.post(URL, payload).status_code == 403

    client.get(reverse("wagtailadmin_home"))  # sets the CSRF cookie, as the edit page does
    token = client.cookies["csrftoken"].value
    assert client.post(URL, payload, headers={"x-csrftoken": token}).status_code == 200
    assert client.post(URL, {**payload, "csrfmiddlewaretoken": token}).status_code == 200


def test_requests_are_rate_limited_per_user(portal, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTWARTA_READABILITY = {**settings.OTWARTA_READABILITY, "RATE_LIMIT_PER_MINUTE": 2}
    client = editor_client()
    payload = {"readability_text": "Tekst.", "readability_language": "pl"}
    assert [client.post(URL, payload).status_code for _ in range(3)] == [200, 200, 429]
    # Another editor has a counter of their own.
    assert editor_client("fundacja-editor").post(URL, payload).status_code == 200
