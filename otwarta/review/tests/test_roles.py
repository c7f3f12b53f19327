"""The translator role: a group per target locale with rights on that locale's page tree only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Locale, Page

from otwarta.portal.models import HomePage
from otwarta.review.models import TranslatorRole
from otwarta.review.roles import sync_translator_roles, translator_group

from .conftest import KARTA, PESEL, make_translator, page

TARGETS = ["en", "uk", "ru", "be", "ka"]


def test_every_target_locale_has_a_translator_group_and_polish_has_none(portal):
    roles = {role.locale.language_code: role.group.name for role in TranslatorRole.objects.select_related("locale",
                                                                                                          "group")}
    assert roles == {code: f"Translators ({code})" for code in TARGETS}
    assert not Group.objects.filter(name="Translators (pl)").exists()


def test_rights_are_change_and_publish_on_the_locales_home_page_only(portal):
    for code in TARGETS:
        group = translator_group(Locale.objects.get(language_code=code))
        rights = set(GroupPagePermission.objects.filter(group=group)
                     .values_list("page__locale__language_code", "permission__codename"))
        homes = HomePage.objects.filter(locale__language_code=code)
        assert homes.exists()
        assert rights == {(code, "change_page"), (code, "publish_page")}
        assert set(GroupPagePermission.objects.filter(group=group).values_list("page", flat=True)) == {
            home.pk for home in homes}
        assert group.permissions.filter(codename="access_admin").exists()


def test_sync_is_idempotent(portal):
    before = GroupPagePermission.objects.count(), Group.objects.count()
    sync_translator_roles()
    sync_translator_roles()
    assert (GroupPagePermission.objects.count(), Group.objects.count()) == before


def test_ukrainian_translator_edits_ukrainian_pages_only(portal):
    translator = make_translator("tr-uk", "uk")
    uk_page = page(KARTA, "uk")
    perms = uk_page.permissions_for_user(translator)
    assert perms.can_edit()
    assert perms.can_publish()
    assert not perms.can_add_subpage()  # translations come from the Polish source, not new pages
    assert not page(KARTA, "pl").permissions_for_user(translator).can_edit()
    assert not page(KARTA, "en").permissions_for_user(translator).can_edit()
    assert not page(PESEL, "pl").permissions_for_user(translator).can_edit()
    assert not HomePage.objects.get(locale__language_code="pl").permissions_for_user(translator).can_edit()
    assert HomePage.objects.get(locale__language_code="uk").permissions_for_user(translator).can_edit()


def test_anonymous_may_edit_nothing(portal):
    assert not page(KARTA, "uk").permissions_for_user(AnonymousUser()).can_edit()


def test_institution_editors_are_unaffected(portal, user):
    editor = user("urzad-editor")
    assert page(KARTA, "pl").permissions_for_user(editor).can_edit()
    assert page(KARTA, "uk").permissions_for_user(editor).can_edit()
    assert not page(KARTA, "uk").permissions_for_user(editor).can_publish()
    assert not page(PESEL, "pl").permissions_for_user(editor).can_edit()
    assert not HomePage.objects.get(locale__language_code="uk").permissions_for_user(editor).can_edit()
    assert not editor.groups.filter(translator_role__isnull=False).exists()


def test_a_new_locale_gets_its_group_and_its_home_page_the_rights(portal, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    german = Locale.objects.create(language_code="de")
    group = translator_group(german)
    assert group is not None and group.name == "Translators (de)"
    assert not GroupPagePermission.objects.filter(group=group).exists()  # no German pages yet

    polish_home = HomePage.objects.get(locale__language_code="pl")
    german_home = polish_home.copy_for_translation(german)
    assert GroupPagePermission.objects.filter(group=group, page=german_home).count() == 2
    translator = make_translator("tr-de", "de")
    assert Page.objects.get(pk=german_home.pk).permissions_for_user(translator).can_edit()
    assert not polish_home.permissions_for_user(translator).can_edit()


@pytest.mark.parametrize("code", ["pl", "xx"])
def test_no_group_for_the_source_or_an_unconfigured_locale(portal, code):
    locale = Locale.objects.filter(language_code=code).first() or Locale.objects.create(language_code=code)
    assert translator_group(locale) is None


def test_translators_cannot_delete_pages_in_the_admin(portal, client):
    translator = make_translator("tr-uk", "uk")
    uk_page = page(KARTA, "uk")
    client.force_login(translator)
    url = reverse("wagtailadmin_pages:delete", args=[uk_page.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
    assert Page.objects.filter(pk=uk_page.pk).exists()
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"]) + f"?id={uk_page.pk}"
    response = client.post(bulk)
    assert response.status_code == 302
    assert Page.objects.filter(pk=uk_page.pk).exists()


def test_institution_moderators_still_delete_their_pages(portal, client, user):
    uk_page = page(KARTA, "uk")
    client.force_login(user("urzad-moderator"))
    response = client.post(reverse("wagtailadmin_pages:delete", args=[uk_page.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=uk_page.pk).exists()
