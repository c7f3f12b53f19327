"""Deleting a Polish record deletes its translations and, through the foreign keys, its child records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otwarta.directory import testing as f
from otwarta.directory.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from otwarta.directory.tests.test_admin import client_for


@pytest.mark.django_db
def test_deleting_a_source_service_deletes_translations_and_children(portal):
    service = f.service("Usługa do usunięcia")
    f.translate(service, "uk", name="Послуга")
    f.translate(service, "en", name="Service")
    other = f.service("Usługa zostaje", service.organization, slug="zostaje")
    f.translate(other, "uk", name="Залишається")
    service.delete()
    assert not Service.objects.filter(translation_key=service.translation_key).exists()
    assert Service.objects.filter(translation_key=other.translation_key).count() == 2
    assert not Schedule.objects.filter(service_id=service.pk).exists()
    assert not Phone.objects.filter(service_id=service.pk).exists()
    assert not Language.objects.filter(service_id=service.pk).exists()
    assert not ServiceAtLocation.objects.filter(service_id=service.pk).exists()


@pytest.mark.django_db
def test_deleting_a_translation_keeps_the_source(portal):
    service = f.service("Usługa z tłumaczeniem")
    uk = f.translate(service, "uk", name="Послуга")
    uk.delete()
    assert Service.objects.filter(pk=service.pk).exists()
    assert service.schedules.exists()


@pytest.mark.django_db
def test_deleting_an_organisation_cascades_to_services_locations_and_their_translations(portal):
    org = f.organization("Organizacja do usunięcia")
    org_uk = f.translate(org, "uk", name="Організація")
    service = f.service("Jej usługa", org)
    service_uk = f.translate(service, "uk", name="Її послуга")
    location = service.service_at_locations.get().location
    location_uk = f.translate(location, "uk", name="Місце")
    org.delete()
    for model, pk in ((Organization, org_uk.pk), (Service, service.pk), (Service, service_uk.pk),
                      (Location, location.pk), (Location, location_uk.pk)):
        assert not model.objects.filter(pk=pk).exists(), model
    assert not Address.objects.filter(location_id=location.pk).exists()


@pytest.mark.django_db
def test_deleting_a_term_deletes_its_translations(portal):
    term = f.term("legal", "Pomoc prawna")
    f.translate(term, "uk", name="Правова допомога")
    term.delete()
    assert not TaxonomyTerm.objects.filter(translation_key=term.translation_key).exists()


@pytest.mark.django_db
def test_regional_admin_deletes_through_the_admin(portal):
    service = f.service("Usuwana przez region")
    f.translate(service, "uk", name="Видаляється")
    response = client_for("region").post(reverse("wagtailsnippets_directory_service:delete", args=[service.pk]))
    assert response.status_code == 302
    assert not Service.objects.filter(translation_key=service.translation_key).exists()
