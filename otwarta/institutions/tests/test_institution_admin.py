"""Institutions, areas and accounts in the Wagtail admin: regional administrators manage them, an
institution's editors and moderators see their own institution's record and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from otwarta.institutions.models import Area, Institution

from .utils import ADMIN_ACCESS, MANAGES_SITE, ROLES, assert_denied, client_for, user_for

INSTITUTIONS = "/admin/snippets/institutions/institution/"
AREAS = "/admin/snippets/institutions/area/"
USERS_ADD = "/admin/users/new/"
MEMBERS = {"urzad-editor": "urzad", "urzad-moderator": "urzad", "fundacja-editor": "fundacja",
           "fundacja-moderator": "fundacja"}


def institution_form(institution: Institution, **changes: str) -> dict[str, str]:
    data = {name: getattr(institution, name) for name in ("name", "short_name", "slug", "kind", "website", "email",
                                                            "phone", "address", "opening_hours")}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_institution_listing(portal, role):
    response = client_for(role).get(INSTITUTIONS)
    if role not in ADMIN_ACCESS:
        assert_denied(response, INSTITUTIONS)
        return
    assert response.status_code == 200
    listed = {institution.slug for institution in response.context["object_list"]}
    if role in MANAGES_SITE:
        assert listed == {"urzad", "fundacja"}
    else:
        assert listed == {MEMBERS[role]}
        other = Institution.objects.exclude(slug=MEMBERS[role]).get()
        assert other.name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_institution_record_views(portal, role):
    client = client_for(role)
    for institution in Institution.objects.all():
        inspect = f"{INSTITUTIONS}inspect/{institution.pk}/"
        edit = f"{INSTITUTIONS}edit/{institution.pk}/"
        delete = f"{INSTITUTIONS}delete/{institution.pk}/"
        history = f"{INSTITUTIONS}history/{institution.pk}/"
        may_view = role in MANAGES_SITE or MEMBERS.get(role) == institution.slug
        response = client.get(inspect)
        if may_view:
            assert response.status_code == 200, (role, institution)
            assert institution.name in response.content.decode()
        else:
            assert_denied(response, inspect)
        for url in (edit, delete, history):
            response = client.get(url)
            if role in MANAGES_SITE:
                assert response.status_code == 200, (role, url)
            else:
                assert_denied(response, url)
    add = f"{INSTITUTIONS}add/"
    if role in MANAGES_SITE:
        assert client.get(add).status_code == 200
    else:
        assert_denied(client.get(add), add)


@pytest.mark.parametrize("role", ["urzad-editor", "urzad-moderator", "fundacja-moderator", "nobody"])
def test_only_regional_admins_change_institutions(portal, role):
    urzad = Institution.objects.get(slug="urzad")
    url = f"{INSTITUTIONS}edit/{urzad.pk}/"
    assert_denied(client_for(role).post(url, institution_form(urzad, phone="+48 999")), url)
    urzad.refresh_from_db()
    assert urzad.phone != "+48 999"
    url = f"{INSTITUTIONS}add/"
    new = institution_form(urzad, name="Nowa instytucja", short_name="Nowa", slug="nowa")
    assert_denied(client_for(role).post(url, new), url)
    assert not Institution.objects.filter(slug="nowa").exists()


def test_regional_admin_changes_an_institution(portal):
    urzad = Institution.objects.get(slug="urzad")
    url = f"{INSTITUTIONS}edit/{urzad.pk}/"
    assert client_for("region").post(url, institution_form(urzad, phone="+48 12 111 11 11")).status_code == 302
    urzad.refresh_from_db()
    assert urzad.phone == "+48 12 111 11 11"


def test_regional_admin_adds_an_institution_with_its_groups_and_workflow(portal):
    data = {"name": "Powiatowy Urząd Pracy", "short_name": "PUP", "slug": "pup", "kind": "labour_office",
            "website": "", "email": "", "phone": "", "address": "", "opening_hours": ""}
    assert client_for("region").post(f"{INSTITUTIONS}add/", data).status_code == 302
    pup = Institution.objects.get(slug="pup")
    assert pup.editors_group.name == "PUP: editors"
    assert pup.moderators_group.name == "PUP: moderators"
    assert pup.workflow.name == "PUP: moderation"


def test_renaming_an_institution_keeps_its_members_rights(portal):
    urzad = Institution.objects.get(slug="urzad")
    editors, moderators = urzad.editors_group_id, urzad.moderators_group_id
    url = f"{INSTITUTIONS}edit/{urzad.pk}/"
    assert client_for("region").post(url, institution_form(urzad, short_name="Urząd Wojewódzki")).status_code == 302
    urzad.refresh_from_db()
    assert (urzad.editors_group_id, urzad.moderators_group_id) == (editors, moderators)
    assert urzad.editors_group.name == "Urząd Wojewódzki: editors"
    assert urzad.workflow.name == "Urząd Wojewódzki: moderation"
    from .utils import portal_tree

    article = portal_tree().articles[("urzad", "pl")]
    assert article.permissions_for_user(user_for("urzad-editor")).can_edit()


@pytest.mark.parametrize("role", ROLES)
def test_areas_are_managed_by_regional_admins_only(portal, role):
    client = client_for(role)
    area = Area.objects.filter(parent__isnull=False).first()
    for url in (AREAS, f"{AREAS}edit/{area.pk}/", f"{AREAS}add/"):
        response = client.get(url)
        if role in MANAGES_SITE:
            assert response.status_code == 200, (role, url)
        else:
            assert_denied(response, url)


def test_editors_still_choose_any_institution_for_a_contact_card(portal):
    """The snippet chooser of the article body's contact block lists every institution (read only)."""
    response = client_for("urzad-editor").get("/admin/snippets/choose/institutions/institution/")
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Fundacja" in html and "Urząd Testowy" in html


# --- accounts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_user_management(portal, role):
    client = client_for(role)
    editor = user_for("urzad-editor")
    for url in ("/admin/users/", f"/admin/users/edit/{editor.pk}/", USERS_ADD):
        response = client.get(url)
        if role in MANAGES_SITE:
            assert response.status_code == 200, (role, url)
        else:
            assert_denied(response, url)
    # Groups (and with them the rights model) are changed in code and by superusers only; the regional
    # administrators may list them (to see which groups exist when they assign accounts).
    response = client.get("/admin/groups/")
    if role in MANAGES_SITE:
        assert response.status_code == 200
    else:
        assert_denied(response, "/admin/groups/")
    group = Group.objects.get(name="Fundacja: editors")
    group_url = f"/admin/groups/edit/{group.pk}/"
    response = client.get(group_url)
    if role == "admin":
        assert response.status_code == 200
    else:
        assert_denied(response, group_url)


def test_editor_cannot_grant_themselves_rights(portal):
    editor = user_for("urzad-editor")
    fundacja_editors = Group.objects.get(name="Fundacja: editors")
    url = f"/admin/users/edit/{editor.pk}/"
    data = {"username": editor.username, "email": editor.email, "first_name": "x", "last_name": "y",
            "groups": [g.pk for g in editor.groups.all()] + [fundacja_editors.pk], "is_active": "on"}
    assert_denied(client_for("urzad-editor").post(url, data), url)
    assert not editor.groups.filter(pk=fundacja_editors.pk).exists()


def test_regional_admin_assigns_editors_to_institutions(portal):
    editor = user_for("urzad-editor")
    fundacja_editors = Group.objects.get(name="Fundacja: editors")
    url = f"/admin/users/edit/{editor.pk}/"
    data = {"username": editor.username, "email": editor.email, "first_name": "Anna", "last_name": "Nowak",
            "groups": [g.pk for g in editor.groups.all()] + [fundacja_editors.pk], "is_active": "on",
            "password1": "", "password2": ""}
    response = client_for("region").post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert editor.groups.filter(pk=fundacja_editors.pk).exists()


def test_regional_admin_cannot_take_over_or_mint_superusers(portal):
    client = client_for("region")
    admin = user_for("admin")
    url = f"/admin/users/edit/{admin.pk}/"
    assert_denied(client.get(url), url)
    assert_denied(client.post(url, {"username": "admin", "email": "evil@example.org", "is_superuser": "on",
                                    "is_active": "on", "password1": "Zupelnie-nowe-haslo-1",
                                    "password2": "Zupelnie-nowe-haslo-1"}), url)
    admin.refresh_from_db()
    assert admin.email == "admin@example.org"
    # nor promote a regular account, nor create a superuser
    editor = user_for("urzad-editor")
    url = f"/admin/users/edit/{editor.pk}/"
    data = {"username": editor.username, "email": editor.email, "first_name": "", "last_name": "",
            "is_superuser": "on", "is_active": "on", "password1": "", "password2": ""}
    assert_denied(client.post(url, data), url)
    editor.refresh_from_db()
    assert not editor.is_superuser
    url = USERS_ADD
    data = {"username": "mallory", "email": "mallory@example.org", "first_name": "M", "last_name": "M",
            "is_superuser": "on", "password1": "Zupelnie-nowe-haslo-1", "password2": "Zupelnie-nowe-haslo-1"}
    assert_denied(client.post(url, data), url)
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_superuser_may_create_a_superuser(portal):
    data = {"username": "second-admin", "email": "second@example.org", "first_name": "S", "last_name": "A",
            "is_superuser": "on", "password1": "Zupelnie-nowe-haslo-1", "password2": "Zupelnie-nowe-haslo-1"}
    response = client_for("admin").post(USERS_ADD, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert get_user_model().objects.get(username="second-admin").is_superuser
