"""Editorial rights of institutions, built on Wagtail's own permission and workflow machinery.

Each institution gets two groups (editors, moderators), a one-step moderation workflow approved by its
moderators (or by regional administrators), and page permissions on its own subtree in every locale.
Because the rights are plain Wagtail group page permissions, everything Wagtail checks (the page
explorer, edit views, the API, bulk actions) enforces them.

Wagtail's own starter groups ("Editors", "Moderators") hold add/change/publish rights on the tree root,
which would cut across institutions; :func:`regional_admins_group` retires them and gives pages outside
any institution (home, topics) a moderation workflow approved by the regional administrators.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import Institution

REGIONAL_ADMINS = "Regional administrators"
REGIONAL_WORKFLOW = "Regional administrators: moderation"
# Created by Wagtail's initial migrations with rights on the whole tree; not part of this rights model.
WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
ALL_PAGE_PERMISSIONS = [*MODERATOR_PAGE_PERMISSIONS, "bulk_delete_page"]
COLLECTION_PERMISSIONS = ["add_image", "change_image", "choose_image", "add_document", "change_document",
                          "choose_document"]


def _perm(codename: str, app_label: str | None = None) -> Permission:
    qs = Permission.objects.filter(codename=codename)
    if app_label:
        qs = qs.filter(content_type__app_label=app_label)
    return qs.get()


def _admin_access() -> Permission:
    return _perm("access_admin", "wagtailadmin")


def regional_admins_group() -> Group:
    """The group of the regional programme team: every page, every institution, every user."""
    group, _created = Group.objects.get_or_create(name=REGIONAL_ADMINS)
    root = Page.get_first_root_node()
    group.permissions.add(_admin_access())
    for codename in ALL_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=_perm(codename, "wagtailcore"))
    model_perms = Permission.objects.filter(
        content_type__app_label__in=[
            "institutions", "portal", "core", "wagtailusers", "auth", "wagtailsnippets", "wagtailredirects",
            "wagtailimages", "wagtaildocs", "wagtailcore", "wagtail_localize", "currency",
        ]
    ).exclude(codename__in=["add_group", "change_group", "delete_group"])
    group.permissions.add(*model_perms)
    root_collection = Collection.get_first_root_node()
    for codename in COLLECTION_PERMISSIONS:
        app = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_perm(codename, app)
        )
    _retire_wagtail_starter_groups()
    _regional_workflow(group)
    return group


def _retire_wagtail_starter_groups() -> None:
    """Wagtail's starter groups may edit (and moderate) every page of every institution. Drop their page
    and collection rights; delete them when nobody is a member."""
    for group in Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS):
        GroupPagePermission.objects.filter(group=group).delete()
        GroupCollectionPermission.objects.filter(group=group).delete()
        if not group.user_set.exists():
            group.delete()


def _regional_workflow(group: Group) -> Workflow:
    """The workflow of pages outside every institution's subtree, approved by the regional administrators."""
    workflow, _created = Workflow.objects.get_or_create(name=REGIONAL_WORKFLOW)
    task = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{REGIONAL_ADMINS}: approval")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    task.groups.set([group])
    WorkflowPage.objects.update_or_create(page=Page.get_first_root_node(), defaults={"workflow": workflow})
    return workflow


def institution_pages(institution: Institution) -> list[Page]:
    """The institution's own root pages, one per locale."""
    from otwarta.portal.models import InstitutionPage

    return list(InstitutionPage.objects.filter(institution=institution))


@transaction.atomic
def setup_institution(institution: Institution) -> Institution:
    """Create or refresh the groups, workflow and permissions of an institution. Idempotent."""
    label = institution.short_name or institution.name
    editors = _institution_group(institution.editors_group, f"{label}: editors")
    moderators = _institution_group(institution.moderators_group, f"{label}: moderators")
    for group in (editors, moderators):
        # Admin access, a read-only view of the institution's own record (see wagtail_hooks), and starting
        # translations of the pages they may edit (wagtail-localize checks the page permission too).
        group.permissions.add(_admin_access(), _perm("view_institution", "institutions"),
                              _perm("submit_translation", "wagtail_localize"))
    institution.editors_group = editors
    institution.moderators_group = moderators

    workflow = institution.workflow
    if workflow is None:
        workflow = Workflow.objects.create(name=f"{label}: moderation")
    elif workflow.name != f"{label}: moderation":
        workflow.name = f"{label}: moderation"
        workflow.save(update_fields=["name"])
    task = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{label}: approval by moderators")
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    elif task.name != f"{label}: approval by moderators":
        task.name = f"{label}: approval by moderators"
        task.save(update_fields=["name"])
    task.groups.set([moderators, regional_admins_group()])
    institution.workflow = workflow
    institution.save(update_fields=["editors_group", "moderators_group", "workflow"])

    collection = _institution_collection(institution)
    for group in (editors, moderators):
        for codename in COLLECTION_PERMISSIONS:
            app = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_perm(codename, app)
            )
    for page in institution_pages(institution):
        grant_page_rights(institution, page)
    return institution


def _institution_group(existing: Group | None, name: str) -> Group:
    """The institution's group, kept when the institution is renamed (its members keep their rights)."""
    if existing is None:
        group, _created = Group.objects.get_or_create(name=name)
        return group
    if existing.name != name and not Group.objects.filter(name=name).exists():
        existing.name = name
        existing.save(update_fields=["name"])
    return existing


def _institution_collection(institution: Institution) -> Collection:
    root = Collection.get_first_root_node()
    name = institution.short_name or institution.name
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def grant_page_rights(institution: Institution, page: Page) -> None:
    """Give the institution's groups rights on ``page`` (and so its subtree) and attach its workflow."""
    if institution.editors_group is None or institution.moderators_group is None:
        return
    for group, codenames in (
        (institution.editors_group, EDITOR_PAGE_PERMISSIONS),
        (institution.moderators_group, MODERATOR_PAGE_PERMISSIONS),
    ):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_perm(codename, "wagtailcore")
            )
    if institution.workflow_id:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow_id": institution.workflow_id})


def institutions_for_user(user) -> list[Institution]:  # type: ignore[no-untyped-def]
    """Institutions whose editors or moderators include ``user`` (all of them for regional admins)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists():
        return list(Institution.objects.all())
    group_ids = list(user.groups.values_list("id", flat=True))
    return list(
        Institution.objects.filter(editors_group_id__in=group_ids)
        | Institution.objects.filter(moderators_group_id__in=group_ids)
    )


def own_institution_ids(user) -> set[int] | None:  # type: ignore[no-untyped-def]
    """The institutions whose records ``user`` works on (official forms, directory records): None means
    all of them (regional administrators, superusers), an empty set none."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists():
        return None
    group_ids = list(user.groups.values_list("id", flat=True))
    if not group_ids:
        return set()
    return set(Institution.objects.filter(Q(editors_group_id__in=group_ids) | Q(moderators_group_id__in=group_ids))
               .values_list("pk", flat=True))
