"""The model with wagtail-localize, the generated PDFs, and the demonstration forms."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, TranslationSource

from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml
from otwarta.forms_library.demo import load_forms
from otwarta.forms_library.models import OfficialForm
from otwarta.forms_library.pdf import text_pdf
from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage

FORMS_FILE = CONTENT_DIR / "forms.yaml"
TOPICS = [read_yaml(path) for path in sorted((CONTENT_DIR / "topics").glob("*.yaml"))]


def test_registered_with_the_translation_status_registry():
    from otwarta.translations.registry import tracked_for

    tracked = tracked_for(OfficialForm)
    assert tracked is not None and tracked.institution_field == "institution"


def test_wagtail_localize_offers_texts_but_not_polish_labels(forms):
    source, _created = TranslationSource.get_or_create_from_instance(forms.permit)
    strings = set(StringSegment.objects.filter(source=source).values_list("string__data", flat=True))
    assert {"Wniosek o udzielenie zezwolenia na pobyt czasowy", "Nazwisko jak w paszporcie.", "Dane osobowe"} <= strings
    assert "Nazwisko" not in strings and "KOWALENKO" not in strings  # printed on the form: stays Polish
    assert "https://urzad.example.org/formularze" not in strings


def test_synced_translation_keeps_institution_labels_and_pdf(forms):
    from wagtail_localize.models import Translation

    source, _created = TranslationSource.get_or_create_from_instance(forms.grant)
    translation = Translation.objects.create(source=source, target_locale=Locale.objects.get(language_code="en"))
    translation.save_target()
    row = OfficialForm.objects.get(translation_key=forms.grant.translation_key, locale__language_code="en")
    assert row.institution_id == forms.grant.institution_id and row.document_id == forms.grant.document_id
    assert row.slug == forms.grant.slug
    assert [b.value["label"] for b in row.fields if b.block_type == "field"] == ["Nazwisko", "Obywatelstwo"]


def _xref_is_consistent(data: bytes) -> bool:
    """Every offset in the cross-reference table points at the start of its object."""
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    assert data[xref_at:].startswith(b"xref\n")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", data)]
    return all(data[offset:].startswith(b"%d 0 obj" % (i + 1)) for i, offset in enumerate(offsets))


def test_generated_pdf_is_well_formed():
    data = text_pdf([("Wniosek o nadanie numeru PESEL – zażółć (demo)", 14), ("line \\ two", 10)])
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")
    assert _xref_is_consistent(data)
    assert b"(Wniosek o nadanie numeru PESEL - zazolc \\(demo\\)) Tj" in data
    length = int(re.search(rb"/Length (\d+)", data).group(1))  # type: ignore[union-attr]
    stream = data.split(b"stream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert len(stream) == length


# --- the demonstration forms -------------------------------------------------------------------------
def test_demo_file_is_consistent():
    data = read_yaml(FORMS_FILE)
    institutions = {row["slug"] for row in read_yaml(CONTENT_DIR / "institutions.yaml")}
    articles = {a["slug"] for topic in TOPICS for a in topic["articles"]}
    assert 3 <= len(data["forms"]) <= 6
    for spec in data["forms"]:
        assert spec["institution"] in institutions
        assert spec["source_url"].startswith("https://")
        assert set(spec["linked_from"]) <= articles, spec["slug"]
        texts = spec["translations"]
        assert {"pl", "en", "uk", "ru"} <= set(texts), spec["slug"]
        source = texts["pl"]["fields"]
        for code, text in texts.items():
            assert text["title"] and text["summary"], (spec["slug"], code)
            assert len(text["fields"]) == len(source), (spec["slug"], code)
            for mine, polish in zip(text["fields"], source, strict=True):
                assert ("section" in mine) == ("section" in polish), (spec["slug"], code, mine)
                assert mine.get("section") or mine.get("explanation"), (spec["slug"], code)


@pytest.fixture
def demo_institutions(portal):  # type: ignore[no-untyped-def]
    for row in read_yaml(CONTENT_DIR / "institutions.yaml"):
        if row["slug"] in {spec["institution"] for spec in read_yaml(FORMS_FILE)["forms"]}:
            Institution.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"], "kind": row["kind"],
                                                                          "short_name": row["short_name"]})


def test_demo_forms_load_idempotently(demo_institutions, media):
    loader = DemoLoader()
    load_forms(loader, read_yaml(FORMS_FILE))
    sources = OfficialForm.objects.filter(locale__language_code="pl")
    assert sources.count() == len(read_yaml(FORMS_FILE)["forms"])
    for form in sources:
        assert form.document is not None
        data = form.document.file.read()
        assert data.startswith(b"%PDF") and b"DEMO COPY" in data and _xref_is_consistent(data)
        assert form.document.file_size == len(data)
        languages = set(OfficialForm.objects.filter(translation_key=form.translation_key)
                        .values_list("locale__language_code", flat=True))
        assert languages == {"pl", "en", "uk", "ru"}
    total = OfficialForm.objects.count()
    again = DemoLoader()
    load_forms(again, read_yaml(FORMS_FILE))
    assert OfficialForm.objects.count() == total
    assert again.report.created == [] and again.report.updated == []
    html = Client().get("/ru/formularze/wniosek-o-nadanie-numeru-pesel/").content.decode()
    assert "Заявление о присвоении номера PESEL" in html
    assert re.search(r"\(PDF, [0-9.,\xa0]+\s*\S+\)", html)  # size of the download
    assert '<dt lang="pl">Podstawa prawna wnioskowania o nadanie numeru PESEL</dt>' in html
    html = Client().get("/be/formularze/wniosek-o-nadanie-numeru-pesel/").content.decode()
    assert 'class="notice" role="note"' in html  # no Belarusian version: the Polish record with a notice


def test_demo_forms_are_linked_from_articles_once(portal, media):
    spec = read_yaml(FORMS_FILE)["forms"][0]
    spec = {**spec, "institution": "urzad", "linked_from": ["karta-pobytu"]}
    for _ in range(2):
        load_forms(DemoLoader(), {"forms": [spec]})
    for code in ("pl", "en", "uk"):
        article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code=code)
        blocks = [b for b in article.body if b.block_type == "official_form"]
        assert len(blocks) == 1, code
        html = Client().get(article.url).content.decode()
        assert f'href="/{code}/formularze/{spec["slug"]}/"' in html


def test_demo_admin_menu_shows_forms_to_institution_editors(portal):
    client = Client()
    client.force_login(get_user_model().objects.get(username="urzad-editor"))
    assert "/admin/snippets/forms_library/officialform/" in client.get("/admin/").content.decode()
