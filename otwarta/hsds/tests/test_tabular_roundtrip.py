"""Export → wipe → import → export gives the same tables (CSV and XLSX); the exported rows satisfy the
HSDS 3.1 schemas' required fields; translations survive and become outdated when the Polish text changes."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from otwarta.directory.models import Service, TaxonomyTerm
from otwarta.hsds.tabular import export_tables, import_file
from otwarta.hsds.tabular.formats import write_xlsx, write_zip
from otwarta.hsds.tabular.spec import TABLES
from otwarta.translations import services as status

from .tabular_helpers import build_directory, current, tables_of, wipe_directory, without

HSDS = Path(settings.BASE_DIR).parent / "shared" / "reference" / "hsds-3.1"

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(portal: Any) -> dict[str, Any]:
    return build_directory()


@pytest.mark.parametrize(("name", "writer"), [("d.zip", write_zip), ("d.xlsx", write_xlsx)])
def test_round_trip(directory: dict[str, Any], name: str, writer: Any) -> None:
    before = current()
    assert all(before[spec.name] for spec in TABLES), "the fixture fills every table"
    content = writer(export_tables(None))
    assert without(tables_of(name, content), "last_modified") == before  # the file holds what was exported
    wipe_directory()
    result, warnings = import_file(name, content, allowed=None)
    assert not warnings
    assert result.counts["service"].created == 2 and result.counts["schedule"].created == 4
    assert current() == before
    # A second import changes nothing.
    again, _warnings = import_file(name, content, allowed=None)
    assert again.changed == 0 and again.counts["service"].unchanged == 2


def test_tables_follow_the_hsds_tabular_schema(directory: dict[str, Any]) -> None:
    tabular = json.loads((HSDS / "compiled" / "tabular.json").read_text())["properties"]
    for spec in TABLES:
        if spec.extension:
            continue
        items = tabular[spec.name]["items"]
        assert items["path"] == spec.path
        scalar = [c for c, p in items["properties"].items() if p.get("type") != "array"]
        assert list(spec.columns) == scalar
        assert all(c.startswith("otwarta_") for c in spec.extra)


def test_exported_rows_satisfy_the_required_fields_of_the_hsds_schemas(directory: dict[str, Any]) -> None:
    import jsonschema

    tables = export_tables(None)
    for spec in TABLES:
        if spec.extension:
            continue
        schema = json.loads((HSDS / f"{spec.name}.json").read_text())
        required = schema.get("required", [])
        # Check one object per row: the scalar properties of the schema with the row's non-empty cells.
        properties = {k: v for k, v in schema["properties"].items() if v.get("type") not in ("array", "object")
                      and "$ref" not in v}
        flat = {"type": "object", "required": required,
                "properties": {k: {kk: vv for kk, vv in v.items() if kk in ("type", "enum", "format")}
                               for k, v in properties.items()}}
        validator = jsonschema.Draft202012Validator(flat, format_checker=jsonschema.FormatChecker())
        assert tables[spec.name], spec.name
        for row in tables[spec.name]:
            assert all(row[column] for column in required), (spec.name, row)
            instance: dict[str, Any] = {}
            for key, value in row.items():
                if key in properties and value:
                    kind = properties[key].get("type")
                    instance[key] = float(value) if kind == "number" else value
            errors = [e.message for e in validator.iter_errors(instance)]
            assert not errors, (spec.name, errors)


def test_datapackage_describes_every_file(directory: dict[str, Any]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(write_zip(export_tables(None))))
    package = json.loads(archive.read("datapackage.json"))
    paths = {resource["path"] for resource in package["resources"]}
    assert paths == set(archive.namelist()) - {"datapackage.json"}
    services = next(r for r in package["resources"] if r["name"] == "service")
    assert [f["name"] for f in services["schema"]["fields"]][:3] == ["id", "organization_id", "program_id"]


def test_institution_scope_and_categories(directory: dict[str, Any]) -> None:
    tables = export_tables(directory["other_org"].institution)
    assert [row["name"] for row in tables["service"]] == ["Pomoc prawna"]
    assert len(tables["taxonomy_term"]) == TaxonomyTerm.objects.filter(locale__language_code="pl").count()
    # The export reads Polish rows only: the Ukrainian translation is not a row.
    assert all(row["name"] != "Лікарська консультація" for row in export_tables(None)["service"])


def test_changed_polish_text_keeps_the_translation_and_makes_it_outdated(directory: dict[str, Any]) -> None:
    svc = directory["svc"]
    ukrainian = Service.objects.get(translation_key=svc.translation_key, locale__language_code="uk")
    status.record_sync(ukrainian)
    assert status.status_of(svc, ukrainian.locale) != "outdated"
    tables = export_tables(None)
    row = next(r for r in tables["service"] if r["id"] == svc.hsds_id)
    row["description"] = "Nowy opis usługi."
    import_file("d.zip", write_zip(tables), allowed=None)
    svc.refresh_from_db()
    ukrainian.refresh_from_db()
    assert svc.description == "Nowy opis usługi."
    assert ukrainian.name == "Лікарська консультація"
    assert status.status_of(svc, ukrainian.locale) == "outdated"


def test_commands(directory: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    call_command("export_hsds", "--format", "xlsx", "--output", str(target), "--institution", "urzad")
    before = current()
    wipe_directory()
    out = io.StringIO()
    call_command("import_hsds", str(target), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and Service.objects.count() == 0
    call_command("import_hsds", str(target), "--institution", "urzad", stdout=out)
    after = current()
    assert after["service"] == [r for r in before["service"] if r["name"] == "Poradnia lekarska"]
