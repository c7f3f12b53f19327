"""Rights on official forms, through Wagtail's real snippet views, for every role of the test portal."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from otwarta.core.testing import signed_in_client
from otwarta.forms_library.models import OfficialForm
from otwarta.institutions.models import Institution

ROLES = ["anonymous", "fundacja-editor", "urzad-editor", "urzad-moderator", "region"]
# Forms (by institution) each role may see and change; deleting is for regional administrators only.
CHANGES = {"anonymous": set(), "fundacja-editor": {"fundacja"}, "urzad-editor": {"urzad"},
           "urzad-moderator": {"urzad"}, "region": {"urzad", "fundacja"}}
DELETES = {"region"}


def client_for(role: str) -> Client:
    client: Client = signed_in_client(role)  # reads the admin in English
    return client


def url(action: str, form: OfficialForm | None = None) -> str:
    name = f"wagtailsnippets_forms_library_officialform:{action}"
    return reverse(name, args=[form.pk]) if form is not None else reverse(name)


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in ("/admin/", "/admin/login/")


def form_data(institution: Institution, title: str, slug: str = "nowy-formularz", document_id: int = 0) -> dict:
    return nested_form_data({
        "title": title, "slug": slug, "code": "", "institution": institution.pk,
        "summary": "Do czego służy formularz.", "document": document_id or "",
        "source_url": "https://example.org/formularz", "last_checked_at": "2026-01-10",
        "fields": streamfield([("field", {"number": "1", "label": "Imię", "explanation": "Imię.", "example": ""})]),
    })


@pytest.mark.parametrize("role", ROLES)
def test_listing_shows_only_own_institutions_forms(forms, role):
    response = client_for(role).get(url("list"))
    if role == "anonymous":
        assert refused(response)
        return
    assert response.status_code == 200
    content = response.content.decode()
    assert (forms.permit.title in content) is ("urzad" in CHANGES[role])
    assert (forms.grant.title in content) is ("fundacja" in CHANGES[role])


@pytest.mark.parametrize("role", ROLES)
def test_edit_view_per_role(forms, role):
    client = client_for(role)
    for form in (forms.permit, forms.permit_uk, forms.grant):
        response = client.get(url("edit", form))
        if form.institution.slug in CHANGES[role]:
            assert response.status_code == 200, (role, form)
        else:
            assert refused(response), (role, form, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_delete_view_per_role(forms, role):
    response = client_for(role).get(url("delete", forms.grant))
    if role in DELETES:
        assert response.status_code == 200
    else:
        assert refused(response)


@pytest.mark.parametrize("role", ["urzad-editor", "region"])
def test_history_and_usage_of_another_institutions_form(forms, role):
    client = client_for(role)
    for action in ("history", "usage"):
        response = client.get(url(action, forms.grant))
        assert (response.status_code == 200) is (role == "region"), (role, action)


def test_own_editor_changes_own_form(forms):
    data = form_data(forms.permit.institution, "Wniosek zmieniony", slug=forms.permit.slug,
                     document_id=forms.permit.document_id)
    response = client_for("urzad-editor").post(url("edit", forms.permit), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    forms.permit.refresh_from_db()
    assert forms.permit.title == "Wniosek zmieniony"


def test_editor_cannot_move_own_form_to_another_institution(forms):
    fundacja = Institution.objects.get(slug="fundacja")
    data = form_data(fundacja, "Przeniesiony", slug=forms.permit.slug, document_id=forms.permit.document_id)
    response = client_for("urzad-editor").post(url("edit", forms.permit), data)
    assert response.status_code == 200  # the form again, with the error and what was typed
    assert "Przeniesiony" in response.content.decode()
    forms.permit.refresh_from_db()
    assert forms.permit.institution.slug == "urzad"


def test_editor_cannot_create_a_form_for_another_institution(forms):
    urzad = Institution.objects.get(slug="urzad")
    data = form_data(urzad, "Cudzy", document_id=forms.grant.document_id)
    response = client_for("fundacja-editor").post(url("add"), data)
    assert response.status_code == 200
    assert not OfficialForm.objects.filter(title="Cudzy").exists()


def test_editor_creates_a_form_for_own_institution(forms):
    fundacja = Institution.objects.get(slug="fundacja")
    response = client_for("fundacja-editor").post(url("add"), form_data(fundacja, "Nowy formularz fundacji",
                                                                         document_id=forms.grant.document_id))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = OfficialForm.objects.get(title="Nowy formularz fundacji")
    assert created.institution == fundacja and created.locale.language_code == "pl"


def test_polish_form_needs_its_pdf(forms):
    urzad = Institution.objects.get(slug="urzad")
    response = client_for("region").post(url("add"), form_data(urzad, "Bez pliku"))
    assert response.status_code == 200
    assert "Add the official Polish PDF of the form." in response.content.decode()
    assert not OfficialForm.objects.filter(title="Bez pliku").exists()


def test_regional_admin_changes_any_form_and_deletes(forms):
    data = form_data(forms.grant.institution, "Zmieniony przez region", slug=forms.grant.slug,
                     document_id=forms.grant.document_id)
    client = client_for("region")
    assert client.post(url("edit", forms.grant), data).status_code == 302
    assert client.post(url("delete", forms.grant)).status_code == 302
    assert not OfficialForm.objects.filter(pk=forms.grant.pk).exists()


def test_a_new_institutions_editors_get_rights_on_its_forms_only(forms):
    """Rights follow from membership of the institution's groups: nothing to grant for a new institution."""
    from otwarta.forms_library.permissions import OfficialFormPermissionPolicy
    from otwarta.institutions.services import setup_institution

    institution = setup_institution(Institution.objects.create(name="Nowy urząd", slug="nowy", kind="other"))
    user = get_user_model().objects.create_user("nowy-editor")
    user.groups.add(institution.editors_group)
    own = OfficialForm.objects.create(locale=forms.permit.locale, slug="nowy", title="Nowy", institution=institution,
                                      source_url="https://example.org", summary="Nowy.")
    policy = OfficialFormPermissionPolicy(OfficialForm)
    assert policy.user_has_permission(user, "add") and not policy.user_has_permission(user, "delete")
    assert policy.user_has_permission_for_instance(user, "change", own)
    assert not policy.user_has_permission_for_instance(user, "change", forms.permit)
    assert list(policy.instances_user_has_permission_for(user, "change")) == [own]
    nobody = get_user_model().objects.create_user("nobody-at-all")
    assert not policy.user_has_permission(nobody, "view")
