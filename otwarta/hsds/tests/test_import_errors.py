"""Every class of row error is reported with its file, row and column, and nothing is written; the
ownership rules of institutions; broken and oversized files."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from otwarta.directory.models import Organization, Schedule, Service
from otwarta.hsds.tabular import ImportRejected, Problem, export_tables, import_file
from otwarta.hsds.tabular.formats import csv_text, write_xlsx, write_zip
from otwarta.institutions.models import Institution

from .tabular_helpers import build_directory, current, new_id, user, wipe_directory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def directory(portal: Any) -> dict[str, Any]:
    return build_directory()


def rejected(name: str, content: bytes, **kwargs: Any) -> list[Problem]:
    kwargs.setdefault("allowed", None)
    with pytest.raises(ImportRejected) as caught:
        import_file(name, content, **kwargs)
    return caught.value.problems


def where(problems: list[Problem]) -> set[tuple[str, int | None, str]]:
    return {(p.file, p.row, p.column) for p in problems}


def test_every_row_error_is_reported_and_nothing_is_written(directory: dict[str, Any]) -> None:
    tables = export_tables(None)
    svc = next(r for r in tables["service"] if r["name"] == "Poradnia lekarska")
    svc["description"] = "Zmieniony opis"  # a valid change: must not be written either
    svc["status"] = "closed"  # unknown enum value (service row 2 or 3)
    svc["organization_id"] = new_id()  # unknown foreign key
    svc["email"] = "not-an-e-mail"
    loc = tables["location"][0]
    loc["latitude"] = "95.5"  # bad coordinate
    loc["longitude"] = "abc"
    schedule = tables["schedule"][0]
    schedule["opens_at"] = "25:00"  # bad time
    schedule["byday"] = "MON"
    closure = tables["otwarta_closure"][0]
    closure["ends_on"] = "2025-02-30"  # bad date
    tables["phone"].append(dict(tables["phone"][0]))  # duplicate id
    tables["attribute"][0]["taxonomy_term_id"] = "nope"  # not a UUID
    tables["language"][0]["code"] = "Ukrainian"
    before = current()

    problems = rejected("d.zip", write_zip(tables))
    svc_row = tables["service"].index(svc) + 2
    loc_row = 2
    found = where(problems)
    expected = {
        ("services.csv", svc_row, "status"), ("services.csv", svc_row, "organization_id"),
        ("services.csv", svc_row, "email"), ("locations.csv", loc_row, "latitude"),
        ("locations.csv", loc_row, "longitude"), ("schedules.csv", 2, "opens_at"), ("schedules.csv", 2, "byday"),
        ("otwarta_closures.csv", 2, "ends_on"), ("phones.csv", len(tables["phone"]) + 1, "id"),
        ("attributes.csv", 2, "taxonomy_term_id"), ("languages.csv", 2, "code"),
    }
    assert expected <= found, expected - found
    assert all(p.message for p in problems)
    assert current() == before  # nothing written
    assert not Service.objects.filter(description="Zmieniony opis").exists()


def test_messages_are_in_the_users_language(directory: dict[str, Any]) -> None:
    tables = export_tables(None)
    tables["service"][0]["email"] = "nope"
    with translation.override("pl"):
        polish = rejected("d.zip", write_zip(tables))
    with translation.override("en"):
        english = rejected("d.zip", write_zip(tables))
    assert english[0].message == "Enter a valid email address." and polish[0].message != english[0].message


def test_missing_required_columns_and_xlsx_sheet_names(directory: dict[str, Any]) -> None:
    content = write_xlsx(export_tables(None))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book["address"]
    sheet.delete_cols(list(sheet.iter_rows(min_row=1, max_row=1, values_only=True))[0].index("city") + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    problems = rejected("d.xlsx", buffer.getvalue())
    assert ("address", 1, "city") in where(problems)


def test_model_rules_are_checked_per_row(directory: dict[str, Any]) -> None:
    tables = export_tables(None)
    tables["schedule"][0]["closes_at"] = "07:00"  # closes before it opens
    tables["schedule"][1]["valid_from"], tables["schedule"][1]["valid_to"] = "2025-05-01", "2025-04-01"
    tables["schedule"][1]["service_id"] = tables["schedule"][1]["location_id"] = ""
    tables["schedule"][1]["service_at_location_id"] = ""  # belongs to nothing
    tables["service"][0]["minimum_age"], tables["service"][0]["maximum_age"] = "30", "10"
    tables["service"][1]["otwarta_slug"] = tables["service"][0]["otwarta_slug"]  # duplicate slug
    tables["location"][1]["latitude"] = ""  # latitude without longitude
    tables["taxonomy_term"][0]["code"] = tables["taxonomy_term"][1]["code"]
    found = where(rejected("d.zip", write_zip(tables)))
    assert {("schedules.csv", 2, "closes_at"), ("schedules.csv", 3, "valid_to"), ("schedules.csv", 3, "service_id"),
            ("services.csv", 2, "maximum_age"), ("services.csv", 3, "otwarta_slug"),
            ("locations.csv", 3, "latitude"), ("taxonomy_terms.csv", 2, "code")} <= found


@pytest.mark.parametrize("content", [b"PK\x03\x04 broken zip", b"\x00\x01\x02"])
def test_a_broken_file_is_rejected(directory: dict[str, Any], content: bytes) -> None:
    before = current()
    problems = rejected("d.zip", content)
    assert problems and problems[0].file == "d.zip" and "cannot be read" in problems[0].message
    problems = rejected("d.xlsx", content)
    assert problems and current() == before


def test_broken_csv_and_unknown_format(directory: dict[str, Any]) -> None:
    assert rejected("services.csv", "id,name\n".encode("utf-16"))[0].message == "The file is not in UTF-8 encoding."
    assert rejected("d.pdf", b"%PDF")[0].message.startswith("Upload a ZIP file")
    assert rejected("notes.csv", b"id\n1\n")[0].message.startswith("A single CSV file")
    ragged = csv_text("phone", []) + "1,2,3,4,5,6,7,8,9,10,11,12\n"
    assert "cells" in rejected("phones.csv", ragged.encode())[0].message


def test_size_limits(directory: dict[str, Any]) -> None:
    content = write_zip(export_tables(None))
    with override_settings(HSDS_IMPORT_MAX_ROWS=5):
        assert "at most 5" in rejected("d.zip", content)[0].message
    with override_settings(HSDS_IMPORT_MAX_BYTES=100):
        assert "larger than" in rejected("d.zip", content)[0].message
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("services.csv", b"0" * (201 * 1024 * 1024))
    assert "unpacks to more" in rejected("d.zip", bomb.getvalue())[0].message


def test_a_single_csv_updates_its_table(directory: dict[str, Any]) -> None:
    rows = export_tables(None)["schedule"]
    rows[0]["closes_at"] = "17:45"
    result, _warnings = import_file("schedules.csv", csv_text("schedule", rows).encode(), allowed=None)
    assert result.counts["schedule"].updated == 1 and result.counts["schedule"].deleted == 0
    assert Schedule.objects.get(pk=rows[0]["id"]).closes_at.isoformat() == "17:45:00"


# --- ownership -------------------------------------------------------------------------------------------
def test_an_editor_imports_only_her_institutions_records(directory: dict[str, Any]) -> None:
    editor = user("urzad-editor")
    tables = export_tables(None)  # both institutions
    problems = rejected("d.zip", write_zip(tables), user=editor, allowed="user")
    other_org = directory["other_org"]
    assert any(p.file == "organizations.csv" and p.column == "id" and "Fundacja" in p.message or
               str(other_org.institution) in p.message for p in problems)
    assert {p.file for p in problems} >= {"organizations.csv", "services.csv", "locations.csv"}
    # Her own institution's export imports cleanly, categories included (unchanged).
    own = export_tables(Institution.objects.get(slug="urzad"))
    result, _warnings = import_file("d.zip", write_zip(own), user=editor)
    assert result.changed == 0


def test_an_editors_new_organisation_gets_her_institution(directory: dict[str, Any]) -> None:
    editor = user("fundacja-editor")
    tables = export_tables(Institution.objects.get(slug="fundacja"))
    org = {**tables["organization"][0], "id": new_id(), "name": "Nowa Fundacja", "otwarta_institution": ""}
    import_file("organizations.csv", csv_text("organization", [org]).encode(), user=editor)
    assert Organization.objects.get(translation_key=org["id"]).institution.slug == "fundacja"
    # Naming another institution, or attaching a service to another institution's organisation, is refused.
    org2 = {**org, "id": new_id(), "otwarta_institution": "urzad"}
    assert ("organizations.csv", 2, "otwarta_institution") in where(
        rejected("organizations.csv", csv_text("organization", [org2]).encode(), user=editor, allowed="user"))
    service = {**tables["service"][0], "id": new_id(), "otwarta_slug": "nowa",
               "organization_id": directory["org"].hsds_id}
    assert ("services.csv", 2, "organization_id") in where(
        rejected("services.csv", csv_text("service", [service]).encode(), user=editor, allowed="user"))
    # A child row pointing at another institution's record is refused too.
    phone = {**export_tables(None)["phone"][0], "id": new_id(), "organization_id": directory["org"].hsds_id,
             "contact_id": "", "service_id": "", "location_id": ""}
    assert ("phones.csv", 2, "organization_id") in where(
        rejected("phones.csv", csv_text("phone", [phone]).encode(), user=editor, allowed="user"))
    # So is moving an existing child row of another institution (matched by its id).
    other_phone = {**next(row for row in export_tables(None)["phone"]  # a phone of urzad's service
                          if row["service_id"] == directory["svc"].hsds_id)}
    own_service = tables["service"][0]["id"]
    other_phone.update(service_id=own_service, organization_id="", contact_id="", location_id="")
    assert any(p.column == "id" for p in rejected(
        "phones.csv", csv_text("phone", [other_phone]).encode(), user=editor, allowed="user"))


def test_editors_do_not_change_categories_and_region_chooses_the_institution(directory: dict[str, Any]) -> None:
    tables = export_tables(None)
    tables["taxonomy_term"][0]["name"] = "Inna nazwa"
    problems = rejected("taxonomy_terms.csv", csv_text("taxonomy_term", tables["taxonomy_term"]).encode(),
                        user=user("urzad-editor"), allowed="user")
    assert ("taxonomy_terms.csv", 2, "id") in where(problems)
    # A regional administrator may; new organisations without an institution need one chosen.
    region = user("region")
    import_file("taxonomy_terms.csv", csv_text("taxonomy_term", tables["taxonomy_term"]).encode(), user=region)
    org = {**tables["organization"][0], "id": new_id(), "otwarta_institution": ""}
    content = csv_text("organization", [org]).encode()
    assert ("organizations.csv", 2, "otwarta_institution") in where(
        rejected("organizations.csv", content, user=region, allowed="user"))
    fundacja = Institution.objects.get(slug="fundacja")
    import_file("organizations.csv", content, user=region, institution=fundacja)
    assert Organization.objects.get(translation_key=org["id"]).institution == fundacja


def test_wiped_directory_is_restored_by_a_region_import(directory: dict[str, Any]) -> None:
    before = current()
    content = write_zip(export_tables(None))
    wipe_directory()
    import_file("d.zip", content, user=user("region"))
    assert current() == before
