"""Directory records in the translation workflow: registered with the translation-status dashboard and
translated with wagtail-localize's "Translate" by an institution's editor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale

from otwarta.directory import testing as f
from otwarta.directory.models import Location, Organization, Service, TaxonomyTerm
from otwarta.directory.tests.test_admin import client_for, refused
from otwarta.translations import services as status
from otwarta.translations.registry import tracked_for


@pytest.mark.parametrize("model", [Organization, Service, Location])
def test_records_are_registered_with_their_institution(model):
    tracked = tracked_for(model)
    assert tracked is not None and tracked.model is model
    assert tracked.institution_field == "institution" and tracked.title_field == "name"


def test_taxonomy_terms_are_registered_without_institution():
    tracked = tracked_for(TaxonomyTerm)
    assert tracked is not None and tracked.institution_field is None and tracked.title_field == "name"


def test_dashboard_counts_and_lists_directory_records(portal):
    service = f.service("Tłumaczenia w przychodni")
    f.translate(service, "uk", name="Переклади в поліклініці")
    urzad = f.institution("urzad")
    uk = Locale.objects.get(language_code="uk")
    en = Locale.objects.get(language_code="en")
    tracked = [tracked_for(Service)]
    counts = status.status_counts([uk, en], institution=urzad, trackeds=tracked)
    assert counts["uk"]["missing"] == 0 and sum(counts["uk"].values()) == 1
    assert counts["en"]["missing"] == 1
    client = client_for("urzad-editor")
    html = client.get("/admin/translations/", {"locale": "en", "status": "missing"}).content.decode()
    assert "Tłumaczenia w przychodni" in html
    translate = reverse("wagtail_localize:submit_snippet_translation", args=["directory", "service", service.pk])
    assert f"{translate}?locales=en" in html
    uk_html = client.get("/admin/translations/", {"locale": "uk"}).content.decode()
    assert reverse("wagtailsnippets_directory_service:edit", args=[service.pk]) in uk_html  # the Polish record
    edit_uk = reverse("wagtailsnippets_directory_service:edit",
                      args=[Service.objects.get(translation_key=service.translation_key, locale=uk).pk])
    assert edit_uk in uk_html


def test_institution_editor_translates_a_service_with_wagtail_localize(portal):
    term = f.term()
    service = f.service("Poradnia dla cudzoziemców", terms=(term,))
    en = Locale.objects.get(language_code="en")
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["directory", "service", service.pk])
    client = client_for("urzad-editor")
    assert client.get(submit).status_code == 200
    # Another institution's editor may not translate it (wagtail-localize alone would let them).
    assert refused(client_for("fundacja-editor").post(submit, {"locales": [en.pk]}))
    assert not Service.objects.filter(translation_key=service.translation_key, locale=en).exists()
    response = client.post(submit, {"locales": [en.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    translated = Service.objects.get(translation_key=service.translation_key, locale=en)
    assert response["Location"] == reverse("wagtailsnippets_directory_service:edit", args=[translated.pk])
    assert translated.institution_id == service.institution_id and translated.slug == service.slug
    # wagtail-localize's translation editor opens for the institution's editor, not for another institution's.
    assert client.get(response["Location"]).status_code == 200
    assert refused(client_for("fundacja-editor").get(response["Location"]))
    # The structure stays on the Polish row: no child rows were copied to the translation.
    assert not translated.schedules.exists() and not translated.phones.exists()


def test_only_regional_admins_translate_service_categories(portal):
    term = f.term("legal", "Pomoc prawna")
    en = Locale.objects.get(language_code="en")
    submit = reverse("wagtail_localize:submit_snippet_translation", args=["directory", "taxonomyterm", term.pk])
    assert refused(client_for("urzad-editor").post(submit, {"locales": [en.pk]}))
    assert client_for("region").post(submit, {"locales": [en.pk]}).status_code == 302
    assert TaxonomyTerm.objects.filter(translation_key=term.translation_key, locale=en).exists()
