"""The directory's admin through Wagtail's real snippet views, for every role of the test portal: listings,
edit/delete rights, the choices in forms, choosers, the Details page (formsets, stale submits, audit log)
and the "records to confirm" report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from otwarta.directory import testing as f
from otwarta.directory.models import Location, Organization, Phone, Schedule, Service, ServiceAtLocation

ROLES = ["anonymous", "fundacja-editor", "urzad-editor", "urzad-moderator", "region", "admin"]
# Records (by institution) each role may see and change; deleting is for regional administrators only.
CHANGES = {"anonymous": set(), "fundacja-editor": {"fundacja"}, "urzad-editor": {"urzad"},
           "urzad-moderator": {"urzad"}, "region": {"urzad", "fundacja"}, "admin": {"urzad", "fundacja"}}
DELETES = {"region", "admin"}


@dataclass
class Directory:
    urzad_org: Organization
    urzad_location: Location
    urzad_service: Service
    urzad_service_uk: Service
    fundacja_org: Organization
    fundacja_service: Service


@pytest.fixture
def directory(portal) -> Directory:  # type: ignore[no-untyped-def]
    urzad_org = f.organization("Urząd Testowy Organizacja", owner=f.institution("urzad"))
    urzad_location = f.location(urzad_org, "Biuro Obsługi Cudzoziemców")
    urzad_service = f.service("Legalizacja pobytu", urzad_org, at=urzad_location)
    urzad_service_uk = f.translate(urzad_service, "uk", name="Легалізація перебування")
    fundacja_org = f.organization("Fundacja Pomocna Dłoń", owner=f.institution("fundacja"))
    fundacja_service = f.service("Porady prawne fundacji", fundacja_org)
    return Directory(urzad_org, urzad_location, urzad_service, urzad_service_uk, fundacja_org, fundacja_service)


def client_for(role: str, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if role != "anonymous":
        person = get_user_model().objects.get(username=role)
        person.email = f"{role}@example.org"
        person.save(update_fields=["email"])
        profile = UserProfile.get_for_user(person)
        profile.preferred_language = "en"  # read the admin's messages in English (the default is Polish)
        profile.save()
        client.force_login(person)
    return client


def url(model: str, action: str, record: Any = None) -> str:
    name = f"wagtailsnippets_directory_{model}:{action}"
    return reverse(name, args=[record.pk]) if record is not None else reverse(name)


def details_url(record: Any) -> str:
    return reverse("directory_admin:details", args=[record._meta.model_name, record.pk])


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in ("/admin/", "/admin/login/")


# --- listings and rights ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_listings_show_only_own_institutions_records(directory, role):
    client = client_for(role)
    for model, urzad, fundacja in (
        ("service", directory.urzad_service, directory.fundacja_service),
        ("organization", directory.urzad_org, directory.fundacja_org),
    ):
        response = client.get(url(model, "list"))
        if role == "anonymous":
            assert refused(response)
            continue
        assert response.status_code == 200, (role, model)
        content = response.content.decode()
        assert (urzad.name in content) is ("urzad" in CHANGES[role]), (role, model)
        assert (fundacja.name in content) is ("fundacja" in CHANGES[role]), (role, model)


def test_listing_filters_search_and_assured_state(directory):
    client = client_for("region")
    Service.objects.filter(pk=directory.fundacja_service.pk).update(assured_date=dt.date(2020, 1, 2))
    content = client.get(url("service", "list")).content.decode()
    assert "2020-01-02 — to confirm" in content
    assert f"{timezone.localdate().isoformat()} — current" in content
    urzad = f.institution("urzad")
    filtered = client.get(url("service", "list"), {"institution": urzad.pk}).content.decode()
    assert directory.urzad_service.name in filtered and directory.fundacja_service.name not in filtered
    searched = client.get(url("service", "list"), {"q": "prawne"}).content.decode()
    assert directory.fundacja_service.name in searched and directory.urzad_service.name not in searched
    ukrainian = client.get(url("service", "list"), {"locale": "uk"}).content.decode()
    assert "Легалізація перебування" in ukrainian and directory.fundacja_service.name not in ukrainian


@pytest.mark.parametrize("role", ROLES)
def test_edit_view_per_role(directory, role):
    client = client_for(role)
    for model, record in (("service", directory.urzad_service), ("service", directory.urzad_service_uk),
                          ("service", directory.fundacja_service), ("organization", directory.fundacja_org),
                          ("location", directory.urzad_location)):
        response = client.get(url(model, "edit", record))
        if record.institution.slug in CHANGES[role]:
            assert response.status_code == 200, (role, record)
        else:
            assert refused(response), (role, record, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_delete_view_per_role(directory, role):
    response = client_for(role).get(url("service", "delete", directory.fundacja_service))
    if role in DELETES:
        assert response.status_code == 200
    else:
        assert refused(response)


def test_editor_cannot_post_edit_of_another_institutions_record(directory):
    response = client_for("fundacja-editor").post(url("organization", "edit", directory.urzad_org),
                                                  {"name": "Przejęta", "description": "x"})
    assert refused(response)
    directory.urzad_org.refresh_from_db()
    assert directory.urzad_org.name == "Urząd Testowy Organizacja"


def test_taxonomy_editing_is_for_regional_admins_but_editors_choose_terms(directory):
    term = f.term("legal", "Pomoc prawna")
    assert client_for("region").get(url("taxonomyterm", "edit", term)).status_code == 200
    assert refused(client_for("urzad-editor").get(url("taxonomyterm", "edit", term)))
    assert refused(client_for("urzad-editor").get(url("taxonomyterm", "list")))
    assert refused(client_for("urzad-editor").get(url("taxonomy", "list")))
    form = client_for("urzad-editor").get(url("service", "edit", directory.urzad_service)).content.decode()
    assert "Pomoc prawna" in form


def service_data(org: Organization, name: str, slug: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organization": org.pk, "institution": org.institution_id, "name": name, "slug": slug,
        "description": "Opis nowej usługi.", "status": "active", "assured_date": timezone.localdate().isoformat(),
        "cost_options-count": "0", "required_documents-count": "0",
    }
    data.update(extra)
    return data


def test_forms_offer_only_own_institutions_and_organisations(directory):
    content = client_for("urzad-editor").get(url("service", "add")).content.decode()
    assert directory.urzad_org.name in content
    assert directory.fundacja_org.name not in content
    assert "Fundacja" not in content.split('name="institution"', 1)[1].split("</select>", 1)[0]


def test_editor_cannot_create_a_service_for_another_organisation(directory):
    data = service_data(directory.fundacja_org, "Cudza usługa", "cudza-usluga")
    response = client_for("urzad-editor").post(url("service", "add"), data)
    assert response.status_code == 200  # the form again, with what was typed
    assert "Cudza usługa" in response.content.decode()
    assert not Service.objects.filter(slug="cudza-usluga").exists()


def test_organisation_must_belong_to_the_chosen_institution(directory):
    data = service_data(directory.fundacja_org, "Mieszana", "mieszana", institution=f.institution("urzad").pk)
    response = client_for("region").post(url("service", "add"), data)
    assert response.status_code == 200
    assert "Choose an organisation maintained by the same institution." in response.content.decode()


def test_editor_creates_a_service_and_lands_on_its_details(directory):
    term = f.term("legal", "Pomoc prawna")
    data = service_data(directory.urzad_org, "Nowa usługa urzędu", "nowa-usluga-urzedu", taxonomy_terms=[term.pk])
    response = client_for("urzad-moderator").post(url("service", "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Service.objects.get(slug="nowa-usluga-urzedu")
    assert created.locale.language_code == "pl" and created.institution.slug == "urzad"
    assert response["Location"] == details_url(created)
    assert list(created.taxonomy_terms.all()) == [term]


def test_chooser_lists_only_own_organisations(directory):
    chooser = reverse("wagtailsnippetchoosers_directory_organization:choose")
    content = client_for("urzad-editor").get(chooser).json()["html"]
    assert directory.urzad_org.name in content and directory.fundacja_org.name not in content
    chosen = reverse("wagtailsnippetchoosers_directory_organization:chosen", args=[directory.fundacja_org.pk])
    assert refused(client_for("urzad-editor").get(chosen))
    everything = client_for("region").get(chooser).json()["html"]
    assert directory.fundacja_org.name in everything


def test_edit_view_and_listing_link_to_details(directory):
    content = client_for("urzad-editor").get(url("service", "edit", directory.urzad_service)).content.decode()
    assert details_url(directory.urzad_service) in content
    listing = client_for("urzad-editor").get(url("location", "list")).content.decode()
    assert details_url(directory.urzad_location) in listing


def test_translation_shows_structure_read_only(directory):
    response = client_for("urzad-editor").get(url("service", "edit", directory.urzad_service_uk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["organization"].disabled and not form.fields["name"].disabled


# --- Details page ---------------------------------------------------------------------------------------
def management(prefix: str, total: int, initial: int) -> dict[str, Any]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def details_post(service: Service, **changes: Any) -> dict[str, Any]:
    """What the Details page of ``service`` submits unchanged, plus ``changes``."""
    data: dict[str, Any] = {"version": service.last_modified.isoformat()}
    sal = list(service.service_at_locations.all())
    data.update(management("locations", len(sal) + 1, len(sal)))
    for i, row in enumerate(sal):
        data.update({f"locations-{i}-id": str(row.pk), f"locations-{i}-location": str(row.location_id),
                     f"locations-{i}-description": row.description})
    schedules = list(service.schedules.all())
    data.update(management("schedules", len(schedules) + 1, len(schedules)))
    for i, row in enumerate(schedules):
        data.update({f"schedules-{i}-id": str(row.pk), f"schedules-{i}-byday": row.days,
                     f"schedules-{i}-opens_at": row.opens_at.strftime("%H:%M"),
                     f"schedules-{i}-closes_at": row.closes_at.strftime("%H:%M"),
                     f"schedules-{i}-attending_type": row.attending_type})
    data.update(management("closures", 1, 0))
    phones = list(service.phones.all())
    data.update(management("phones", len(phones) + 1, len(phones)))
    for i, row in enumerate(phones):
        data.update({f"phones-{i}-id": str(row.pk), f"phones-{i}-number": row.number, f"phones-{i}-type": row.type})
    languages = list(service.languages.all())
    data.update(management("languages", len(languages) + 1, len(languages)))
    for i, row in enumerate(languages):
        data.update({f"languages-{i}-id": str(row.pk), f"languages-{i}-code": row.code})
    data.update(management("contacts", 1, 0))
    # What a browser submits in the empty extra rows: the defaults of the select fields.
    data.update({f"schedules-{len(schedules)}-attending_type": "in_person", f"phones-{len(phones)}-type": "voice"})
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_details_page_per_role(directory, role):
    client = client_for(role)
    for record in (directory.urzad_service, directory.urzad_location, directory.urzad_org,
                   directory.fundacja_service):
        response = client.get(details_url(record))
        if record.institution.slug in CHANGES[role]:
            assert response.status_code == 200, (role, record)
        else:
            assert refused(response), (role, record, response.status_code)


def test_details_forms_offer_only_their_own_fields(directory):
    client = client_for("urzad-editor")
    client.get(details_url(directory.urzad_location))  # builds the location's formsets first
    sections = client.get(details_url(directory.urzad_service)).context["sections"]
    fields = {section.prefix: set(section.formset.forms[0].fields) for section in sections}
    assert fields["schedules"] == {"byday", "opens_at", "closes_at", "valid_from", "valid_to", "attending_type",
                                   "description", "service", "id", "DELETE"}
    assert "location" not in fields["phones"] and "organization" not in fields["phones"]
    assert "organization" not in fields["contacts"]


def test_details_adds_a_second_interval_and_a_phone_and_logs_it(directory):
    service = directory.urzad_service
    n = service.schedules.count()
    data = details_post(service, **{
        f"schedules-{n}-byday": ["SA"], f"schedules-{n}-opens_at": "09:00", f"schedules-{n}-closes_at": "12:00",
        f"schedules-{n}-attending_type": "in_person",
        "phones-1-number": "+48 12 111 22 33", "phones-1-type": "cell",
    })
    response = client_for("urzad-editor").post(details_url(service), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Schedule.objects.filter(service=service, byday="SA", opens_at=dt.time(9)).exists()
    assert Phone.objects.filter(service=service, number="+48 12 111 22 33", type="cell").exists()
    entry = ModelLogEntry.objects.filter(action="directory.details", object_id=str(service.pk)).get()
    assert entry.user.username == "urzad-editor"
    assert set(entry.data["changes"]) == {"schedules", "phones"}
    old = service.last_modified
    service.refresh_from_db()
    assert service.last_modified > old


def test_details_deletes_a_row(directory):
    service = directory.urzad_service
    data = details_post(service, **{"phones-0-DELETE": "on"})
    assert client_for("urzad-editor").post(details_url(service), data).status_code == 302
    assert not service.phones.exists()


def test_details_validation_error_keeps_typed_input(directory):
    service = directory.urzad_service
    n = service.schedules.count()
    data = details_post(service, **{
        f"schedules-{n}-byday": ["SU"], f"schedules-{n}-opens_at": "18:00", f"schedules-{n}-closes_at": "10:00",
        f"schedules-{n}-attending_type": "in_person", f"schedules-{n}-description": "Dyżur niedzielny",
    })
    response = client_for("urzad-editor").post(details_url(service), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "The closing time must be after the opening time." in content
    assert 'value="Dyżur niedzielny"' in content and 'value="18:00"' in content
    assert not service.schedules.filter(byday="SU").exists()


def test_stale_details_submit_answers_409_and_keeps_typed_input(directory):
    service = directory.urzad_service
    data = details_post(service, **{"phones-1-number": "+48 600 700 800", "phones-1-type": "voice"})
    # Someone else saves the record in between.
    Service.objects.filter(pk=service.pk).update(last_modified=timezone.now() + dt.timedelta(seconds=5))
    response = client_for("urzad-editor").post(details_url(service), data)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else saved this record after you opened it." in content
    assert 'value="+48 600 700 800"' in content
    assert not Phone.objects.filter(number="+48 600 700 800").exists()
    assert not ModelLogEntry.objects.filter(action="directory.details").exists()
    # The form now carries the current version: saving again is a deliberate overwrite.
    service.refresh_from_db()
    assert f'value="{service.last_modified.isoformat()}"' in content
    again = client_for("urzad-editor").post(details_url(service),
                                            {**data, "version": service.last_modified.isoformat()})
    assert again.status_code == 302
    assert Phone.objects.filter(number="+48 600 700 800").exists()


def test_details_offers_only_the_organisations_locations(directory):
    other_place = f.location(directory.fundacja_org, "Siedziba fundacji")
    own_place = f.location(directory.urzad_org, "Filia w Tarnowie")
    response = client_for("urzad-editor").get(details_url(directory.urzad_service))
    choices = {loc.pk for loc in response.context["sections"][0].formset.forms[0].fields["location"].queryset}
    assert own_place.pk in choices and other_place.pk not in choices
    data = details_post(directory.urzad_service, **{"locations-1-location": str(other_place.pk)})
    response = client_for("region").post(details_url(directory.urzad_service), data)
    assert response.status_code == 200
    assert not ServiceAtLocation.objects.filter(location=other_place).exists()


def test_location_and_organisation_details(directory):
    location = directory.urzad_location
    address = location.addresses.get()
    data = {"version": location.last_modified.isoformat(), **management("addresses", 1, 1),
            "addresses-0-id": str(address.pk), "addresses-0-address_1": "ul. Basztowa 22",
            "addresses-0-city": "Kraków", "addresses-0-postal_code": "31-156",
            "addresses-0-state_province": "małopolskie",
            "addresses-0-country": "PL", "addresses-0-address_type": "physical",
            **management("schedules", 0, 0), **management("closures", 1, 0), **management("phones", 0, 0),
            **management("languages", 1, 0), "languages-0-code": "uk",
            "closures-0-starts_on": "2026-12-24", "closures-0-ends_on": "2026-12-24", "closures-0-reason": "Wigilia"}
    response = client_for("urzad-editor").post(details_url(location), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    address.refresh_from_db()
    assert address.address_1 == "ul. Basztowa 22"
    assert location.closures.get().reason == "Wigilia" and location.languages.get().code == "uk"
    org = directory.urzad_org
    data = {"version": org.last_modified.isoformat(), **management("phones", 1, 0), **management("contacts", 1, 0),
            "phones-0-number": "+48 12 616 00 00", "phones-0-type": "voice", "contacts-0-department": "Sekretariat"}
    assert client_for("urzad-editor").post(details_url(org), data).status_code == 302
    assert org.phones.get().number == "+48 12 616 00 00" and org.contacts.get().department == "Sekretariat"


def test_details_of_a_translation_points_to_the_polish_record(directory):
    response = client_for("urzad-editor").get(details_url(directory.urzad_service_uk))
    assert response.status_code == 200
    content = response.content.decode()
    assert details_url(directory.urzad_service) in content and "<form" not in content.split("</header>", 1)[-1]


# --- records to confirm ---------------------------------------------------------------------------------
def test_report_lists_own_old_records_only(directory, settings):
    settings.OTWARTA_DIRECTORY_ASSURE_DAYS = 30
    old = timezone.localdate() - dt.timedelta(days=31)
    Service.objects.filter(pk__in=[directory.urzad_service.pk, directory.fundacja_service.pk]).update(assured_date=old)
    recent = timezone.localdate() - dt.timedelta(days=29)
    Organization.objects.filter(pk=directory.urzad_org.pk).update(assured_date=recent)
    report = reverse("directory_admin:to_confirm")
    content = client_for("urzad-editor").get(report).content.decode()
    assert directory.urzad_service.name in content
    assert directory.fundacja_service.name not in content and directory.urzad_org.name not in content
    assert "Легалізація" not in content  # Polish records only
    everything = client_for("region").get(report).content.decode()
    assert directory.urzad_service.name in everything and directory.fundacja_service.name in everything
    assert refused(client_for("anonymous").get(report))


def test_confirm_sets_date_and_email_and_logs(directory):
    service = directory.urzad_service
    Service.objects.filter(translation_key=service.translation_key).update(assured_date=dt.date(2024, 5, 1))
    assure = reverse("directory_admin:assure", args=["service", service.pk])
    client = client_for("urzad-moderator", enforce_csrf_checks=True)
    assert client.post(assure).status_code == 403  # no CSRF token (Django's CSRF failure view)
    client = client_for("urzad-moderator")
    assert client.get(assure).status_code == 405
    response = client.post(assure, {"next": "https://evil.example.org/"})
    assert response.status_code == 302 and response["Location"] == reverse("directory_admin:to_confirm")
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate() and service.assurer_email == "urzad-moderator@example.org"
    directory.urzad_service_uk.refresh_from_db()
    assert directory.urzad_service_uk.assured_date == timezone.localdate()
    assert ModelLogEntry.objects.filter(action="directory.assure", object_id=str(service.pk)).exists()


def test_confirm_refused_for_another_institution(directory):
    before = directory.fundacja_service.assured_date
    Service.objects.filter(pk=directory.fundacja_service.pk).update(assured_date=dt.date(2024, 5, 1))
    assure = reverse("directory_admin:assure", args=["service", directory.fundacja_service.pk])
    assert refused(client_for("urzad-editor").post(assure))
    directory.fundacja_service.refresh_from_db()
    assert directory.fundacja_service.assured_date == dt.date(2024, 5, 1) != before


def test_menu_shows_directory_to_editors(directory):
    content = client_for("urzad-editor").get("/admin/").content.decode()
    assert reverse("directory_admin:to_confirm") in content
    assert url("service", "list") in content and url("taxonomy", "list") not in content
    assert url("taxonomy", "list") in client_for("region").get("/admin/").content.decode()
