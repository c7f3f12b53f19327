"""The "Translation exchange" admin view, per role: anonymous, another institution's editor, the page's own
editor, a regional administrator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml import etree
from wagtail.models import Page

from otwarta.exchange.wagtail_hooks import page_header_exchange_button

from .helpers import article_with_markup, locale, polish_page, schema, snapshot, translate_xliff, user

URL = "/admin/translation-exchange/"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.fixture
def article(portal: Any) -> Page:
    return article_with_markup()


def export_post(target: Page, **overrides: Any) -> dict[str, Any]:
    fields = {"scope": "page", "page": target.pk, "section": "", "locale": "uk", "format": "xliff", **overrides}
    return {"action": "export", **{f"export-{name}": value for name, value in fields.items()}}


def import_post(upload: Any, **overrides: Any) -> dict[str, Any]:
    fields = {"locale": "uk", "file": upload, **overrides}
    return {"action": "import", **{f"import-{name}": value for name, value in fields.items()}}


def test_anonymous_is_sent_to_the_login(article: Page) -> None:
    response = Client().get(f"{URL}?page={article.pk}")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = Client().post(URL, export_post(article))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_other_institutions_editor_is_forbidden(article: Page) -> None:
    client = client_for("fundacja-editor")
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and an error message.
    for response in (client.get(f"{URL}?page={article.pk}"), client.post(URL, export_post(article))):
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert "Content-Disposition" not in response
    section = article.get_parent()
    response = client.post(URL, export_post(article, scope="section", section=section.pk))
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert "section" in response.context["export_form"].errors  # not among her sections
    assert not list(page_header_exchange_button(article, user("fundacja-editor"), "edit"))


def test_own_editor_exports_and_imports(article: Page) -> None:
    client = client_for("urzad-editor")
    page = client.get(f"{URL}?page={article.pk}")
    assert page.status_code == 200
    assert b'value="locale"' not in page.content  # the whole portal only for regional administrators
    assert list(page_header_exchange_button(article, user("urzad-editor"), "edit"))
    response = client.post(URL, export_post(article))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="karta-pobytu-pl-uk.xlf"'
    assert schema().validate(etree.fromstring(response.content))
    upload = SimpleUploadedFile("karta-uk.xlf", translate_xliff(response.content))
    response = client.post(URL, import_post(upload), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "1 page saved as a draft for review." in response.content.decode()
    uk_page = Page.objects.get(pk=article.get_translation(locale("uk")).pk).specific
    assert uk_page.get_latest_revision_as_object().title == "UK Karta pobytu czasowego"


def test_locale_scope_is_refused_to_an_editor(article: Page) -> None:
    response = client_for("urzad-editor").post(URL, export_post(article, scope="locale"))
    assert response.status_code == 200 and "Content-Disposition" not in response


def test_rejected_import_shows_the_report_and_keeps_the_choices(article: Page) -> None:
    client = client_for("urzad-editor")
    exported = client.post(URL, export_post(article, locale="en")).content
    before = snapshot("uk")
    upload = SimpleUploadedFile("karta-en.xlf", translate_xliff(exported))
    response = client.post(URL, import_post(upload, publish="on"),
                           HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "was not imported: 2 problems" in html and "Nothing was changed" in html
    assert "The target language is “en”, but you are importing into “uk”." in html
    assert "may not publish" in html
    assert html.count('<option value="uk" selected>') == 1  # the import form's choice (the export form has none)
    assert re.search(r'<input[^>]*name="import-publish"[^>]*checked', html)
    assert snapshot("uk") == before


def test_translated_page_preselects_its_language(article: Page) -> None:
    uk_page = article.get_translation(locale("uk"))
    response = client_for("urzad-editor").get(f"{URL}?page={uk_page.pk}")
    assert response.status_code == 200
    assert response.context["export_form"].initial["page"].pk == article.pk
    assert response.context["export_form"].initial["locale"] == "uk"


def test_regional_administrator_exports_everything(article: Page) -> None:
    client = client_for("region")
    page = client.get(URL)
    assert page.status_code == 200 and b'value="locale"' in page.content
    response = client.post(URL, export_post(article, scope="locale", page="", format="po"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    pesel = polish_page("/fundacja/pesel/")
    response = client.post(URL, export_post(pesel))
    assert response.status_code == 200 and b"Numer PESEL" in response.content


def test_menu_item_for_editors(article: Page) -> None:
    dashboard = client_for("urzad-editor").get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Translation exchange" in dashboard.content.decode()
