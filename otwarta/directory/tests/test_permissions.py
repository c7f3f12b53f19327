"""The permission policy of directory records, with real users and groups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from otwarta.directory import testing as f
from otwarta.directory.models import Organization, Service
from otwarta.directory.permissions import InstitutionRecordPolicy, grant_regional_admins, own_institution_ids
from otwarta.institutions.models import Institution
from otwarta.institutions.services import REGIONAL_ADMINS, setup_institution


def user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=name)


def test_regional_admins_hold_the_model_permissions(portal):
    group = Group.objects.get(name=REGIONAL_ADMINS)
    codenames = set(group.permissions.filter(content_type__app_label="directory").values_list("codename", flat=True))
    assert {"delete_service", "change_taxonomyterm", "add_taxonomy", "delete_organization"} <= codenames
    group.permissions.clear()
    grant_regional_admins()
    assert group.permissions.filter(codename="delete_location").exists()


def test_institution_members_hold_no_model_permission_but_own_rights(portal):
    editor = user("urzad-editor")
    assert not editor.has_perm("directory.change_service")
    policy = InstitutionRecordPolicy(Service)
    own = f.service("Usługa urzędu")
    other = f.service("Usługa fundacji", f.organization("Fundacja X", owner=f.institution("fundacja")))
    assert policy.user_has_permission(editor, "add") and not policy.user_has_permission(editor, "delete")
    assert policy.user_has_permission_for_instance(editor, "change", own)
    assert not policy.user_has_permission_for_instance(editor, "change", other)
    assert not policy.user_has_permission_for_instance(editor, "delete", own)
    assert set(policy.instances_user_has_permission_for(editor, "change")) == {own}
    assert not policy.instances_user_has_permission_for(editor, "delete").exists()
    region = user("region")
    assert policy.user_has_permission_for_instance(region, "delete", other)
    assert own_institution_ids(region) is None and own_institution_ids(editor) == {own.institution_id}


def test_a_new_institutions_editors_get_rights_on_its_records_only(portal):
    institution = setup_institution(Institution.objects.create(name="Nowy urząd", slug="nowy", kind="other"))
    person = get_user_model().objects.create_user("nowy-editor")
    person.groups.add(institution.editors_group)
    own = f.organization("Nowa organizacja", owner=institution)
    policy = InstitutionRecordPolicy(Organization)
    assert list(policy.instances_user_has_permission_for(person, "change")) == [own]
    nobody = get_user_model().objects.create_user("nobody-at-all")
    assert not policy.user_has_permission(nobody, "view")
    inactive = user("urzad-editor")
    inactive.is_active = False
    assert own_institution_ids(inactive) == set()
