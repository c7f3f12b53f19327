"""Editorial rights per role, proven against Wagtail's real admin views and its permission API.

"An institution's editors can create and change only their institution's pages; publishing goes through
that institution's moderation workflow; regional administrators can do everything." Every role of the
test portal (plus an anonymous visitor and an account in no group) is checked for what it may do and for
what it may not.
"""

from __future__ import annotations

import pytest
from wagtail.models import GroupApprovalTask, Page, PageLogEntry, WorkflowState

from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage, InstitutionPage

from .utils import (
    ADMIN_ACCESS,
    EDITS,
    PUBLISHES,
    ROLES,
    add_article_url,
    article_form_data,
    assert_denied,
    client_for,
    edit_url,
    portal_tree,
    user_for,
)

ARTICLES = [("urzad", "pl"), ("urzad", "uk"), ("urzad", "ka"), ("fundacja", "pl"), ("fundacja", "en")]
SECTIONS = [("urzad", "pl"), ("urzad", "uk"), ("fundacja", "pl"), ("fundacja", "uk")]


# --- the admin itself ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_admin_dashboard(portal, role):
    response = client_for(role).get("/admin/")
    if role in ADMIN_ACCESS:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# --- changing pages --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_edit_view_of_each_institutions_articles(portal, role):
    tree = portal_tree()
    client = client_for(role)
    user = user_for(role)
    for key in ARTICLES:
        page = tree.articles[key]
        allowed = key[0] in EDITS[role]
        assert page.permissions_for_user(user).can_edit() is allowed, (role, key)
        response = client.get(edit_url(page))
        if allowed:
            assert response.status_code == 200, (role, key)
        else:
            assert_denied(response, edit_url(page))


@pytest.mark.parametrize("role", ROLES)
def test_institution_sections_and_pages_outside_institutions(portal, role):
    """Editors and moderators change their own section page (every language) and nothing outside it."""
    tree = portal_tree()
    user = user_for(role)
    for key in SECTIONS:
        perms = tree.sections[key].permissions_for_user(user)
        assert perms.can_edit() is (key[0] in EDITS[role]), (role, key)
    site_wide = role in ("region", "admin")
    for page in (tree.home, tree.topic, tree.index):
        perms = page.permissions_for_user(user)
        assert perms.can_edit() is site_wide, (role, page)
        may_have_children = bool(page.specific_class.creatable_subpage_models())  # a topic page has none
        assert perms.can_add_subpage() is (site_wide and may_have_children), (role, page)
        assert perms.can_publish() is site_wide, (role, page)
        response = client_for(role).get(edit_url(page))
        if site_wide:
            assert response.status_code == 200
        else:
            assert_denied(response, edit_url(page))


@pytest.mark.parametrize("role", ROLES)
def test_adding_articles_only_under_own_institution(portal, role):
    tree = portal_tree()
    client = client_for(role)
    user = user_for(role)
    for key in SECTIONS:
        section = tree.sections[key]
        allowed = key[0] in EDITS[role]
        assert section.permissions_for_user(user).can_add_subpage() is allowed, (role, key)
        response = client.get(add_article_url(section))
        if allowed:
            assert response.status_code == 200, (role, key)
        else:
            assert_denied(response, add_article_url(section))
    # Articles belong to an institution: not even a superuser files one under a topic or the home page.
    for parent in (tree.topic, tree.home):
        assert not ArticlePage.can_create_at(parent)
        assert_denied(client.get(add_article_url(parent)), add_article_url(parent))


def test_editor_creates_an_article_in_own_section_through_the_workflow(portal):
    tree = portal_tree()
    urzad = Institution.objects.get(slug="urzad")
    section = tree.sections[("urzad", "pl")]
    data = article_form_data(topic=tree.topic.pk)
    data["action-submit"] = "Submit"
    response = client_for("urzad-editor").post(add_article_url(section), data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    article = ArticlePage.objects.child_of(section).get(slug="nowy-artykul")
    assert not article.live
    assert article.institution == urzad
    assert article.owner.username == "urzad-editor"
    assert article.current_workflow_state.workflow == urzad.workflow


def test_editor_cannot_create_in_another_institutions_section(portal):
    section = portal_tree().sections[("fundacja", "pl")]
    url = add_article_url(section)
    data = article_form_data(topic="")
    data["action-submit"] = "Submit"
    assert_denied(client_for("urzad-editor").post(url, data), url)
    assert not ArticlePage.objects.child_of(section).filter(slug="nowy-artykul").exists()


@pytest.mark.parametrize("role,key", [("urzad-editor", ("fundacja", "pl")), ("fundacja-moderator", ("urzad", "uk")),
                                      ("nobody", ("urzad", "pl"))])
def test_posting_changes_to_someone_elses_page_changes_nothing(portal, role, key):
    page = portal_tree().articles[key]
    revision_before = page.latest_revision_id
    data = article_form_data(page, title="Przejęta strona")
    data["action-publish"] = "Publish"
    assert_denied(client_for(role).post(edit_url(page), data), edit_url(page))
    page.refresh_from_db()
    assert page.latest_revision_id == revision_before
    assert page.title != "Przejęta strona"


# --- publishing and moderation ---------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_who_may_publish(portal, role):
    tree = portal_tree()
    user = user_for(role)
    for key in ARTICLES:
        perms = tree.articles[key].permissions_for_user(user)
        allowed = key[0] in PUBLISHES[role]
        assert perms.can_publish() is allowed, (role, key)
        assert perms.can_unpublish() is allowed, (role, key)
        if role != "anonymous":  # Wagtail's lock check assumes a signed-in user
            assert perms.can_lock() is allowed, (role, key)


@pytest.mark.parametrize("role,publish", [("urzad-editor", False), ("urzad-moderator", True), ("region", True)])
def test_editor_view_offers_publish_only_to_those_who_may(portal, role, publish):
    html = client_for(role).get(edit_url(portal_tree().articles[("urzad", "pl")])).content.decode()
    assert ('name="action-publish"' in html) is publish
    assert 'name="action-submit"' in html  # anyone who may edit may send the page to moderation


def test_editor_cannot_publish_by_posting_the_publish_action(portal):
    page = portal_tree().articles[("urzad", "pl")]
    live_revision = page.live_revision_id
    data = article_form_data(page, title="Opublikowane bez moderacji?")
    data["action-publish"] = "Publish"
    response = client_for("urzad-editor").post(edit_url(page), data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live_revision_id == live_revision  # saved as a draft, not published
    assert page.title != "Opublikowane bez moderacji?"
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().title == "Opublikowane bez moderacji?"


def submit(role: str, page: ArticlePage, title: str) -> WorkflowState:
    data = article_form_data(page, title=title)
    data["action-submit"] = "Submit"
    response = client_for(role).post(edit_url(page), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk), status="in_progress")
    return state


@pytest.mark.parametrize("key", [("urzad", "pl"), ("urzad", "uk")])
def test_submitting_starts_the_institutions_workflow(portal, key):
    page = portal_tree().articles[key]
    urzad = Institution.objects.get(slug="urzad")
    state = submit("urzad-editor", page, "Do moderacji")
    assert state.workflow == urzad.workflow
    assert state.requested_by.username == "urzad-editor"
    task = state.current_task_state.task.specific
    assert isinstance(task, GroupApprovalTask)
    assert set(task.groups.values_list("name", flat=True)) == {urzad.moderators_group.name, "Regional administrators"}
    page.refresh_from_db()
    assert page.title != "Do moderacji"  # nothing public changes before approval


@pytest.mark.parametrize("role,may_approve", [
    ("urzad-moderator", True), ("region", True), ("admin", True),
    ("fundacja-moderator", False), ("urzad-editor", False), ("fundacja-editor", False),
])
def test_approving_a_submission(portal, role, may_approve):
    page = portal_tree().articles[("urzad", "pl")]
    state = submit("urzad-editor", page, "Zatwierdzona zmiana")
    task_state = state.current_task_state
    actions = {name for name, _label, _modal in task_state.task.specific.get_actions(page, user_for(role))}
    assert ("approve" in actions) is may_approve
    url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    response = client_for(role).post(url, {})
    page.refresh_from_db()
    state.refresh_from_db()
    if may_approve:
        assert response.status_code == 302
        assert state.status == WorkflowState.STATUS_APPROVED
        assert page.title == "Zatwierdzona zmiana"
        assert page.live_revision.user.username == "urzad-editor"
    else:
        assert_denied(response, url)
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert page.title != "Zatwierdzona zmiana"


def test_moderator_rejects_and_editor_sees_request_for_changes(portal):
    page = portal_tree().articles[("urzad", "pl")]
    state = submit("urzad-editor", page, "Do poprawy")
    url = f"/admin/pages/workflow/action/{page.pk}/reject/{state.current_task_state.pk}/"
    assert client_for("urzad-moderator").post(url, {"comment": "Proszę poprawić datę."}).status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    page.refresh_from_db()
    assert page.title != "Do poprawy"


@pytest.mark.parametrize("role,key,allowed", [
    ("urzad-moderator", ("urzad", "pl"), True),
    ("urzad-moderator", ("urzad", "ka"), True),
    ("urzad-moderator", ("fundacja", "pl"), False),
    ("fundacja-moderator", ("fundacja", "en"), True),
    ("fundacja-moderator", ("urzad", "pl"), False),
    ("region", ("fundacja", "pl"), True),
    ("region", ("urzad", "uk"), True),
    ("admin", ("urzad", "pl"), True),
])
def test_direct_publishing(portal, role, key, allowed):
    page = portal_tree().articles[key]
    data = article_form_data(page, title=f"Opublikowane przez {role}")
    data["action-publish"] = "Publish"
    response = client_for(role).post(edit_url(page), data)
    page.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert page.title == f"Opublikowane przez {role}"
        assert page.live_revision.user.username == role
        assert PageLogEntry.objects.filter(page=page, action="wagtail.publish", user__username=role).exists()
    else:
        assert_denied(response, edit_url(page))
        assert page.title != f"Opublikowane przez {role}"


def test_regional_admin_publishes_pages_outside_institutions(portal):
    topic = portal_tree().topic
    data = {"title": "Pobyt legalny w Polsce", "slug": topic.slug, "intro": topic.intro, "icon": topic.icon,
            "action-publish": "Publish"}
    assert client_for("region").post(edit_url(topic), data).status_code == 302
    topic.refresh_from_db()
    assert topic.title == "Pobyt legalny w Polsce"


# --- translations ------------------------------------------------------------------------------------
def test_translated_trees_carry_the_institutions_rights_and_workflow(portal):
    tree = portal_tree()
    for (slug, _language), section in tree.sections.items():
        institution = Institution.objects.get(slug=slug)
        assert section.get_workflow() == institution.workflow
    for (slug, _language), article in tree.articles.items():
        assert article.institution.slug == slug
        assert article.get_workflow() == Institution.objects.get(slug=slug).workflow


def test_editor_edits_the_ukrainian_translation_of_own_article_only(portal):
    tree = portal_tree()
    own_uk = tree.articles[("urzad", "uk")]
    editor = client_for("urzad-editor")
    assert editor.get(edit_url(own_uk)).status_code == 200
    state = submit("urzad-editor", own_uk, "Посвідка на проживання (оновлено)")
    assert state.workflow == Institution.objects.get(slug="urzad").workflow
    # fundacja's tree in other languages stays closed to urzad's editor, and the other way round
    assert not tree.sections[("fundacja", "uk")].permissions_for_user(user_for("urzad-editor")).can_add_subpage()
    assert_denied(editor.get(edit_url(tree.articles[("fundacja", "en")])), edit_url(tree.articles[("fundacja", "en")]))
    assert_denied(client_for("fundacja-editor").get(edit_url(own_uk)), edit_url(own_uk))


# --- the institution a section belongs to --------------------------------------------------------------
def test_editor_cannot_hand_the_section_to_another_institution(portal):
    tree = portal_tree()
    section = tree.sections[("urzad", "pl")]
    fundacja = Institution.objects.get(slug="fundacja")
    data = {"title": section.title, "slug": section.slug, "institution": fundacja.pk, "intro": "Zmiana",
            "action-publish": "Publish"}
    for role in ("urzad-editor", "urzad-moderator"):
        assert_denied(client_for(role).post(edit_url(section), data), edit_url(section))
        section.refresh_from_db()
        assert section.institution.slug == "urzad"
        assert section.get_latest_revision_as_object().institution.slug == "urzad"
    # The same form without the change is fine (the moderator publishes the new introduction).
    data["institution"] = section.institution_id
    assert client_for("urzad-moderator").post(edit_url(section), data).status_code == 302
    section.refresh_from_db()
    assert section.intro == "Zmiana"


def test_regional_admin_may_reassign_a_section(portal):
    section = portal_tree().sections[("fundacja", "uk")]
    urzad = Institution.objects.get(slug="urzad")
    data = {"title": section.title, "slug": section.slug, "institution": urzad.pk, "intro": section.intro,
            "action-publish": "Publish"}
    assert client_for("region").post(edit_url(section), data).status_code == 302
    assert InstitutionPage.objects.get(pk=section.pk).institution == urzad


# --- the rights model itself -------------------------------------------------------------------------
def test_no_group_grants_rights_across_institutions(portal):
    """Only the regional administrators hold page rights at the root; Wagtail's starter groups (which
    could edit and publish every page) are gone."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission

    root = Page.get_first_root_node()
    assert set(GroupPagePermission.objects.filter(page=root).values_list("group__name", flat=True)) == {
        "Regional administrators"
    }
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    translators = GroupPagePermission.objects.filter(group__translator_role__isnull=False)
    for permission in translators.select_related("group__translator_role", "page"):
        # a translator group's rights: change and publish on its own language's home page (otwarta.review)
        assert permission.page.depth == 2 and permission.page.locale_id == permission.group.translator_role.locale_id
        assert permission.permission.codename in {"change_page", "publish_page"}, permission
    others = GroupPagePermission.objects.exclude(page=root).exclude(pk__in=translators.values("pk"))
    for permission in others.select_related("group", "page"):
        section = permission.page.specific
        assert isinstance(section, InstitutionPage), permission
        assert permission.group in section.institution.member_groups(), permission
