"""Editorial actions are audit-logged with the acting user: Wagtail's PageLogEntry for pages (edit,
submission, approval, publication) and ModelLogEntry for institutions and areas, which are registered as
snippets for that reason."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry, PageLogEntry

from otwarta.institutions.models import Area, Institution

from .utils import article_form_data, assert_denied, client_for, edit_url, portal_tree

INSTITUTIONS = "/admin/snippets/institutions/institution/"


def page_actions(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk")
                .values_list("action", "user__username"))


def test_edit_submit_approve_publish_are_logged_with_their_users(portal):
    page = portal_tree().articles[("urzad", "pl")]
    before = PageLogEntry.objects.filter(page=page).count()

    data = article_form_data(page, title="Wersja robocza")
    assert client_for("urzad-editor").post(edit_url(page), data).status_code == 302
    data = article_form_data(page, title="Do zatwierdzenia")
    data["action-submit"] = "Submit"
    assert client_for("urzad-editor").post(edit_url(page), data).status_code == 302
    task_state = page.current_workflow_state.current_task_state
    url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    assert client_for("urzad-moderator").post(url, {}).status_code == 302

    actions = page_actions(page)[before:]
    assert ("wagtail.edit", "urzad-editor") in actions
    assert ("wagtail.workflow.start", "urzad-editor") in actions
    assert ("wagtail.workflow.approve", "urzad-moderator") in actions
    assert ("wagtail.publish", "urzad-moderator") in actions
    publish = PageLogEntry.objects.filter(page=page, action="wagtail.publish").latest("timestamp")
    assert publish.revision.user.username == "urzad-editor"  # the author stays on the revision


def test_direct_publication_and_rejection_are_logged(portal):
    tree = portal_tree()
    page = tree.articles[("fundacja", "pl")]
    data = article_form_data(page, title="Nowy PESEL")
    data["action-publish"] = "Publish"
    assert client_for("fundacja-moderator").post(edit_url(page), data).status_code == 302
    assert ("wagtail.publish", "fundacja-moderator") in page_actions(page)

    page = tree.articles[("urzad", "uk")]
    data = article_form_data(page, title="Чернетка")
    data["action-submit"] = "Submit"
    assert client_for("urzad-editor").post(edit_url(page), data).status_code == 302
    task_state = page.current_workflow_state.current_task_state
    url = f"/admin/pages/workflow/action/{page.pk}/reject/{task_state.pk}/"
    assert client_for("region").post(url, {"comment": "Brakuje terminu."}).status_code == 302
    assert ("wagtail.workflow.reject", "region") in page_actions(page)


def test_institution_changes_are_logged(portal):
    urzad = Institution.objects.get(slug="urzad")
    data = {name: getattr(urzad, name) for name in ("name", "short_name", "slug", "kind", "website", "email",
                                                     "phone", "address", "opening_hours")}
    data["opening_hours"] = "pon.–pt. 8:00–15:00"
    assert client_for("region").post(f"{INSTITUTIONS}edit/{urzad.pk}/", data).status_code == 302
    new = {**data, "name": "Fundacja Nowa", "short_name": "Nowa", "slug": "nowa"}
    assert client_for("region").post(f"{INSTITUTIONS}add/", new).status_code == 302

    content_type = ContentType.objects.get_for_model(Institution)
    entries = set(ModelLogEntry.objects.filter(content_type=content_type)
                  .values_list("action", "object_id", "user__username"))
    assert ("wagtail.edit", str(urzad.pk), "region") in entries
    assert ("wagtail.create", str(Institution.objects.get(slug="nowa").pk), "region") in entries


def test_area_changes_are_logged(portal):
    area = Area.objects.filter(parent__isnull=False).first()
    data = {"name": area.name + " (zm.)", "kind": area.kind, "teryt": area.teryt, "parent": area.parent_id}
    assert client_for("region").post(f"/admin/snippets/institutions/area/edit/{area.pk}/", data).status_code == 302
    assert ModelLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Area), object_id=str(area.pk),
                                        action="wagtail.edit", user__username="region").exists()


def test_page_history_is_visible_to_those_who_may_edit_the_page(portal):
    tree = portal_tree()
    own, other = tree.articles[("urzad", "pl")], tree.articles[("fundacja", "pl")]
    editor = client_for("urzad-editor")
    assert editor.get(f"/admin/pages/{own.pk}/history/").status_code == 200
    assert_denied(editor.get(f"/admin/pages/{other.pk}/history/"), f"/admin/pages/{other.pk}/history/")
    # The regional team reads the whole site's log.
    assert client_for("region").get("/admin/reports/site-history/").status_code == 200
