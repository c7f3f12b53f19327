"""Reports → Audit log: who may open it, the merged list, its filters and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from otwarta.core.testing import signed_in_client
from otwarta.institutions.models import Institution
from otwarta.institutions.tests.utils import article_form_data, assert_denied, client_for, edit_url, portal_tree

URL = "/admin/audit-log/"
INSTITUTIONS = "/admin/snippets/institutions/institution/"


@pytest.fixture
def history(portal):  # type: ignore[no-untyped-def]
    """An institution edited by the regional administrator, a page published by a moderator and a group
    membership changed in code (no actor)."""
    urzad = Institution.objects.get(slug="urzad")
    data = {name: getattr(urzad, name) for name in ("name", "short_name", "slug", "kind", "website", "email",
                                                     "phone", "address", "opening_hours")}
    data["opening_hours"] = "Audyt: pon.–pt. 7:30–15:30"
    assert client_for("region").post(f"{INSTITUTIONS}edit/{urzad.pk}/", data).status_code == 302
    page = portal_tree().articles[("fundacja", "pl")]
    form = article_form_data(page, title="PESEL audytowany")
    form["action-publish"] = "Publish"
    assert client_for("fundacja-moderator").post(edit_url(page), form).status_code == 302
    user = get_user_model().objects.get(username="fundacja-editor")
    user.groups.add(Group.objects.get(name="Regional administrators"))
    return {"institution": urzad, "page": page, "user": user}


@pytest.mark.parametrize("role", ["anonymous", "nobody", "urzad-editor", "urzad-moderator", "fundacja-editor",
                                  "fundacja-moderator", "region", "admin"])
def test_access_per_role(portal, role: str) -> None:
    client = client_for(role)
    allowed = role in ("region", "admin")
    for url in (URL, URL + "results/", URL + "?export=csv", URL + "?export=xlsx"):
        response = client.get(url)
        if allowed:
            assert response.status_code == 200, url
        else:
            assert_denied(response, url)
    menu = client.get("/admin/reports/") if allowed else None
    if menu is not None:
        assert menu.status_code in (200, 302, 404)


def test_menu_item_only_for_readers(portal) -> None:
    assert URL.encode() in client_for("region").get("/admin/").content
    assert URL.encode() not in client_for("urzad-moderator").get("/admin/").content


def test_list_merges_sources_with_before_after(history) -> None:
    response = client_for("region").get(URL)
    assert response.status_code == 200
    rows = response.context["object_list"]
    sources = {row.source for row in rows}
    assert {"page", "model", "fields"} <= sources
    timestamps = [row.timestamp for row in rows]
    assert timestamps == sorted(timestamps, reverse=True)
    html = response.content.decode()
    assert "Audyt: pon.–pt. 7:30–15:30" in html
    assert "PESEL audytowany" in html
    assert f"/admin/pages/{history['page'].pk}/revisions/compare/" in html


def test_filters(history) -> None:
    client = client_for("admin")
    region = get_user_model().objects.get(username="region")

    rows = client.get(URL, {"user": region.pk}).context["object_list"]
    assert rows and all(row.user_id == region.pk for row in rows)

    rows = client.get(URL, {"action": "fields.update"}).context["object_list"]
    assert rows and all(row.source == "fields" and row.action == "fields.update" for row in rows)
    rows = client.get(URL, {"action": "wagtail.publish"}).context["object_list"]
    assert rows and all(row.action == "wagtail.publish" for row in rows)

    institution_type = ContentType.objects.get_for_model(Institution)
    rows = client.get(URL, {"object_type": institution_type.pk}).context["object_list"]
    assert {row.content_type_id for row in rows} == {institution_type.pk}
    assert {row.source for row in rows} == {"model", "fields"}

    rows = client.get(URL, {"label": "audytowany"}).context["object_list"]
    assert rows and all("audytowany" in row.label.lower() for row in rows)

    LogEntry.objects.filter(content_type=institution_type).update(timestamp="2020-01-15T10:00:00Z")
    rows = client.get(URL, {"timestamp_from": "2020-01-01", "timestamp_to": "2020-01-31"}).context["object_list"]
    assert rows and all(row.timestamp.year == 2020 for row in rows)
    assert {row.source for row in rows} == {"fields"}

    # Paginated.
    response = client.get(URL, {"p": 1})
    assert response.context["paginator"].per_page == 50


def test_csv_export_has_before_after(history) -> None:
    response = signed_in_client("region").get(URL, {"export": "csv", "label": "Urząd"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8") if response.streaming else response.content.decode()
    reader = list(csv.DictReader(io.StringIO(body)))
    assert reader
    assert {"User", "Action", "Name", "Before → after", "Client address", "Request ID"} <= set(reader[0])
    changed = [row for row in reader if "opening_hours" in row["Before → after"]]
    assert changed and "Audyt: pon.–pt. 7:30–15:30" in changed[0]["Before → after"]
    assert changed[0]["User"].endswith("(region)") or changed[0]["User"] == "region"
    assert changed[0]["Action code"] == "fields.update"


def test_xlsx_export(history) -> None:
    response = signed_in_client("admin").get(URL, {"export": "xlsx", "label": "audytowany"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                        else response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]
    assert "Revision comparison" in headings and "Changed fields" in headings
    data = [dict(zip(headings, row, strict=False)) for row in rows[1:]]
    publish = PageLogEntry.objects.filter(page=history["page"], action="wagtail.publish").latest("pk")
    row = next(r for r in data if r["Action code"] == "wagtail.publish")
    assert row["Revision comparison"].endswith(f"...{publish.revision_id}/")
    assert "title" in row["Changed fields"]
