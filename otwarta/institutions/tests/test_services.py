"""The set-up of institutions' groups, workflows and page rights (otwarta.institutions.services)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, WorkflowState

from otwarta.institutions.models import Institution
from otwarta.institutions.services import (
    REGIONAL_ADMINS,
    REGIONAL_WORKFLOW,
    institutions_for_user,
    regional_admins_group,
    setup_institution,
)

from .utils import client_for, edit_url, portal_tree, user_for


def test_setup_is_idempotent(portal):
    counts = (Group.objects.count(), GroupPagePermission.objects.count(), GroupApprovalTask.objects.count())
    for institution in Institution.objects.all():
        setup_institution(institution)
    regional_admins_group()
    assert (Group.objects.count(), GroupPagePermission.objects.count(), GroupApprovalTask.objects.count()) == counts


def test_each_institution_has_its_own_groups_and_workflow(portal):
    urzad, fundacja = Institution.objects.get(slug="urzad"), Institution.objects.get(slug="fundacja")
    assert len({urzad.editors_group_id, urzad.moderators_group_id, fundacja.editors_group_id,
                fundacja.moderators_group_id}) == 4
    assert urzad.workflow != fundacja.workflow
    for institution in (urzad, fundacja):
        for group in institution.member_groups():
            codenames = set(group.permissions.values_list("codename", flat=True))
            # Admin access and a read-only look at the institution; no model rights beyond that.
            assert codenames == {"access_admin", "view_institution", "submit_translation"}, (group, codenames)


def test_pages_outside_institutions_are_moderated_by_regional_admins(portal):
    tree = portal_tree()
    workflow = tree.topic.get_workflow()
    assert workflow.name == REGIONAL_WORKFLOW
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [REGIONAL_ADMINS]
    # A regional administrator's submission of a topic page can be approved by another one.
    data = {"title": "Pobyt", "slug": tree.topic.slug, "intro": "Nowe wprowadzenie", "icon": tree.topic.icon,
            "action-submit": "Submit"}
    assert client_for("region").post(edit_url(tree.topic), data).status_code == 302
    state = WorkflowState.objects.get(object_id=str(tree.topic.pk), status="in_progress")
    actions = {name for name, _label, _modal in task.get_actions(tree.topic, user_for("region"))}
    assert "approve" in actions
    assert not task.get_actions(tree.topic, user_for("urzad-moderator"))
    assert state.workflow == workflow


def test_starter_groups_with_members_lose_their_tree_wide_rights(portal):
    root = Page.get_first_root_node()
    starter = Group.objects.create(name="Editors")
    GroupPagePermission.objects.create(group=starter, page=root, permission_id=GroupPagePermission.objects.filter(
        group__name=REGIONAL_ADMINS, permission__codename="change_page").values_list("permission_id", flat=True)[0])
    member = user_for("nobody")
    member.groups.add(starter)
    regional_admins_group()
    assert Group.objects.filter(pk=starter.pk).exists()  # someone still belongs to it: kept, but powerless
    assert not GroupPagePermission.objects.filter(group=starter).exists()
    assert not portal_tree().articles[("urzad", "pl")].permissions_for_user(member).can_edit()


def test_institutions_for_user(portal):
    assert [i.slug for i in institutions_for_user(user_for("urzad-editor"))] == ["urzad"]
    assert [i.slug for i in institutions_for_user(user_for("fundacja-moderator"))] == ["fundacja"]
    assert {i.slug for i in institutions_for_user(user_for("region"))} == {"urzad", "fundacja"}
    assert {i.slug for i in institutions_for_user(user_for("admin"))} == {"urzad", "fundacja"}
    assert institutions_for_user(user_for("nobody")) == []
    assert institutions_for_user(user_for("anonymous")) == []
