"""The directory's "Import / export" admin view per role: anonymous, urzad-editor, fundacja-editor,
region, superuser; preview, confirm, error report, CSRF, audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.models import ModelLogEntry

from otwarta.directory.models import Service
from otwarta.hsds.tabular import export_tables
from otwarta.hsds.tabular.formats import csv_text, write_zip
from otwarta.institutions.models import Institution

from .tabular_helpers import build_directory, client_for, tables_of, user

URL = "/admin/directory-exchange/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(portal: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.HSDS_IMPORT_STAGING_DIR = tmp_path / "staged"
    return build_directory()


def export(client: Client, **fields: str) -> Any:
    return client.post(URL, {f"export-{k}": v for k, v in {"format": "csv", "institution": "", **fields}.items()})


def test_anonymous_is_sent_to_the_login(directory: dict[str, Any]) -> None:
    for response in (Client().get(URL), export(Client()), Client().post(URL + "preview/")):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editor_exports_only_her_institution(directory: dict[str, Any]) -> None:
    client = client_for("urzad-editor")
    page = client.get(URL)
    assert page.status_code == 200
    assert "All institutions" not in page.content.decode()
    urzad = Institution.objects.get(slug="urzad")
    response = export(client, institution=str(urzad.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = [row["name"] for row in tables_of("d.zip", response.content)["service"]]
    assert names == ["Poradnia lekarska"]
    # Another institution, or all of them, is refused.
    fundacja = Institution.objects.get(slug="fundacja")
    for response in (export(client, institution=str(fundacja.pk)), export(client)):
        assert response.status_code == 200 and "Content-Disposition" not in response
    assert ModelLogEntry.objects.filter(action="otwarta_hsds.export", object_id=str(urzad.pk)).count() == 1


@pytest.mark.parametrize("username", ["region", "admin"])
def test_region_and_superuser_export_everything_as_xlsx(directory: dict[str, Any], username: str) -> None:
    response = export(client_for(username), format="xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert len(tables_of("d.xlsx", response.content)["service"]) == 2


def test_import_preview_confirm_and_log(directory: dict[str, Any]) -> None:
    client = client_for("fundacja-editor")
    tables = export_tables(Institution.objects.get(slug="fundacja"))
    tables["service"][0]["description"] = "Nowy opis"
    upload = SimpleUploadedFile("d.zip", write_zip(tables), content_type="application/zip")
    fundacja = Institution.objects.get(slug="fundacja")
    preview = client.post(URL + "preview/", {"import-file": upload, "import-institution": fundacja.pk})
    assert preview.status_code == 200
    counts = {row["table"]: row for row in preview.context["counts"]}
    assert counts["service"]["updated"] == 1 and counts["schedule"]["unchanged"] == 1
    assert Service.objects.get(pk=directory["other"].pk).description != "Nowy opis"  # the preview wrote nothing
    token = preview.context["token"]
    # Another user cannot confirm her file.
    refused = client_for("urzad-editor").post(URL + "confirm/", {"token": token})
    assert refused.status_code == 302 and refused["Location"] == URL
    assert Service.objects.get(pk=directory["other"].pk).description != "Nowy opis"
    done = client.post(URL + "confirm/", {"token": token})
    assert done.status_code == 302
    assert Service.objects.get(pk=directory["other"].pk).description == "Nowy opis"
    assert ModelLogEntry.objects.filter(action="otwarta_hsds.import", object_id=str(fundacja.pk)).exists()
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(directory["other"].pk)).exists()
    again = client.post(URL + "confirm/", {"token": token})  # used once
    assert again.status_code == 302 and again["Location"] == URL


def test_rejected_import_shows_and_downloads_the_report(directory: dict[str, Any]) -> None:
    client = client_for("fundacja-editor")
    rows = export_tables(None)["service"]  # includes the other institution's service
    rows[0]["status"] = "closed"
    upload = SimpleUploadedFile("services.csv", csv_text("service", rows).encode())
    fundacja = Institution.objects.get(slug="fundacja")
    page = client.post(URL + "preview/", {"import-file": upload, "import-institution": fundacja.pk})
    assert page.status_code == 200 and "token" not in page.context
    problems = page.context["problems"]
    assert any(p.column == "status" for p in problems) and any(p.column == "id" for p in problems)
    html = page.content.decode()
    assert "cannot be imported" in html and "<table" in html
    report = client.get(URL + f"report/{page.context['report_token']}.csv")
    assert report.status_code == 200 and "services.csv" in report.content.decode("utf-8-sig")
    other = client_for("region").get(URL + f"report/{page.context['report_token']}.csv")
    assert other.status_code == 302 and "Content-Disposition" not in other


def test_csrf_is_required(directory: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("region"))
    assert export(client).status_code == 403


def test_users_without_an_institution_are_refused(directory: dict[str, Any]) -> None:
    account = user("urzad-editor")
    account.groups.clear()
    from django.contrib.auth.models import Permission

    account.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(account)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/admin/"
