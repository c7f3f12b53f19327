""""Translate automatically" on a Polish page, and machine translation in wagtail-localize's editor (our
view shadows wagtail-localize's)."""

from __future__ import annotations

import inspect

import pytest
from django.urls import resolve, reverse
from wagtail.models import Page
from wagtail_localize.models import StringTranslation, Translation

from otwarta.institutions.models import Institution
from otwarta.machine_translation import views
from otwarta.machine_translation.models import MachineTranslationBudget
from otwarta.machine_translation.services import characters_used
from otwarta.translations.models import TranslationStatus
from otwarta.translations.services import ensure_translation, status_of

from .helpers import add_article, assert_denied, assert_login_required, client_for, locale, polish, user
from .servers import APIServer

pytestmark = pytest.mark.django_db

LINK_HTML = ('<p>Masz <a href="https://urzad.example.org/karta">kartę pobytu</a>? Podaj numer PESEL.</p>'
             '<p>Zadzwoń do NFZ.</p>')


def translate_url(page: Page) -> str:
    return reverse("otwarta_machine_translation:translate_page", args=[page.pk])


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- "Translate automatically" ---------------------------------------------------------------------------
def test_translate_automatically_creates_a_draft_with_machine_strings(portal, libretranslate: APIServer) -> None:
    page = add_article("urzad", "mt-karta", "Karta pobytu dla pracownika", LINK_HTML)
    client = client_for("urzad-editor")
    response = client.get(translate_url(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="locale" value="en"' in html and 'name="locale" value="uk"' in html
    assert 'name="locale" value="ru"' not in html  # the server does not translate into Russian
    assert "No machine translation service translates into this language." in html

    response = client.post(translate_url(page), {"locale": "en"}, follow=True)
    target = page.get_translation(locale("en")).specific
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[target.pk])
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]
    assert any("saved as a draft" in m for m in messages_of(response))
    assert not target.live  # a draft: a person checks it first
    assert status_of(page, locale("en")) == TranslationStatus.IN_PROGRESS
    draft_revision = target.get_latest_revision()
    draft = target.get_latest_revision_as_object()
    assert draft.title == "residence card DLA PRACOWNIKA"
    body = str(draft.body)
    assert '<a href="https://urzad.example.org/karta">residence card</a>' in body  # the link keeps its URL
    assert "PODAJ NUMER PESEL." in body and "ZADZWOŃ DO NFZ." in body
    strings = StringTranslation.objects.filter(locale=locale("en"), context__object_id=page.translation_key)
    assert strings.exists()
    assert set(strings.values_list("translation_type", flat=True)) == {StringTranslation.TRANSLATION_TYPE_MACHINE}
    assert characters_used(Institution.objects.get(slug="urzad")) > 0
    # Published (after a person's check), it counts as machine-translated until a reviewer confirms it.
    draft_revision.publish(user=user("urzad-moderator"))
    assert status_of(page, locale("en")) == TranslationStatus.MACHINE

    # Again: nothing new to translate, nothing sent, the draft refreshed from the Polish page.
    sent = len(libretranslate.requests)
    response = client.post(translate_url(page), {"locale": "en"}, follow=True)
    assert any("Nothing new to machine-translate" in m for m in messages_of(response))
    assert len(libretranslate.requests) == sent


def test_not_over_a_translation_written_by_hand(portal, libretranslate: APIServer) -> None:
    page = polish("karta-pobytu")  # its English translation was written in the page editor
    client = client_for("urzad-editor")
    html = client.get(translate_url(page)).content.decode()
    assert 'name="locale" value="en"' not in html
    assert "written by hand" in html
    before = page.get_translation(locale("en")).specific.title
    response = client.post(translate_url(page), {"locale": "en"}, follow=True)
    assert any("written by hand" in m for m in messages_of(response))
    assert page.get_translation(locale("en")).specific.title == before
    assert not [r for r in libretranslate.requests if r["path"] == "/translate"]


def test_budget_exceeded_message(portal, libretranslate: APIServer) -> None:
    page = polish("pesel")
    MachineTranslationBudget.objects.create(institution=Institution.objects.get(slug="fundacja"), monthly_characters=3)
    response = client_for("fundacja-editor").post(translate_url(page), {"locale": "uk"}, follow=True,
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("Fundacja Testowa" in m and "characters" in m for m in messages_of(response)), messages_of(response)
    assert page.get_translation_or_none(locale("uk")) is None


@pytest.mark.parametrize("username", ["urzad-editor", "urzad-moderator", "region", "admin"])
def test_translate_automatically_allowed(portal, libretranslate: APIServer, username: str) -> None:
    assert client_for(username).get(translate_url(polish("karta-pobytu"))).status_code == 200


def test_translate_automatically_denied(portal, libretranslate: APIServer) -> None:
    page = polish("karta-pobytu")
    assert_login_required(client_for(None).get(translate_url(page)))
    assert_login_required(client_for(None).post(translate_url(page), {"locale": "ru"}))
    assert_denied(client_for("fundacja-editor").get(translate_url(page)))
    assert_denied(client_for("fundacja-editor").post(translate_url(page), {"locale": "ru"}))
    assert page.get_translation_or_none(locale("ru")) is None
    # Only Polish pages are translated automatically.
    assert_denied(client_for("urzad-editor").get(translate_url(page.get_translation(locale("en")))))


def test_home_page_only_for_regional_admins(portal, libretranslate: APIServer) -> None:
    home = Page.objects.get(depth=2, locale__language_code="pl")
    assert client_for("region").get(translate_url(home)).status_code == 200
    assert_denied(client_for("urzad-editor").get(translate_url(home)))


def test_buttons_only_when_a_service_serves_the_page(portal, settings, libretranslate: APIServer) -> None:
    page = polish("karta-pobytu")
    client = client_for("urzad-editor")
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert translate_url(page) in client.get(edit).content.decode()
    section = page.get_parent()
    listing = client.get(reverse("wagtailadmin_explore", args=[section.pk])).content.decode()
    assert translate_url(page) in listing
    bulk = reverse("otwarta_machine_translation:bulk_translate", args=[section.pk])
    assert bulk in client.get(reverse("wagtailadmin_pages:edit", args=[section.pk])).content.decode()
    assert reverse("otwarta_machine_translation:bulk_translate", args=[page.pk]) not in listing  # no subpages
    english = page.get_translation(locale("en"))
    english_editor = client.get(reverse("wagtailadmin_pages:edit", args=[english.pk])).content.decode()
    assert translate_url(english) not in english_editor
    # Another institution's editor sees no button.
    assert translate_url(page) not in client_for("fundacja-editor").get(
        reverse("wagtailadmin_explore", args=[section.pk])).content.decode()


def test_no_button_without_a_service(portal) -> None:
    page = polish("karta-pobytu")
    html = client_for("urzad-editor").get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert translate_url(page) not in html


def test_no_button_when_no_pair_is_served(portal, libretranslate: APIServer, monkeypatch) -> None:
    from .servers import LibreTranslateHandler

    monkeypatch.setattr(LibreTranslateHandler, "LANGUAGES", [{"code": "en", "name": "English", "targets": ["de"]}])
    page = polish("karta-pobytu")
    html = client_for("urzad-editor").get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert translate_url(page) not in html


# --- wagtail-localize's translation editor ---------------------------------------------------------------
def synced_translation(slug: str, code: str) -> Translation:
    """A synced translation whose target exists with nothing translated yet (the source text as fallback)."""
    translation = ensure_translation(polish(slug), locale(code), user("admin"))
    translation.save_target(user=user("admin"), publish=False)
    return translation


def shadow_url(translation: Translation) -> str:
    return reverse("wagtail_localize:machine_translate", args=[translation.pk])


def test_the_shadow_view_answers_wagtail_localizes_url(portal) -> None:
    path = shadow_url(synced_translation("pesel", "uk"))
    assert path.endswith("/machine_translate/")
    # The admin wraps every view in its access checks; underneath is ours, not wagtail-localize's.
    assert inspect.unwrap(resolve(path).func) is inspect.unwrap(views.machine_translate)
    assert resolve(path)._func_path == "otwarta.machine_translation.views.machine_translate"
    assert resolve(path).url_name == "otwarta_machine_translate"


def test_machine_translate_in_the_translation_editor(portal, libretranslate: APIServer) -> None:
    translation = synced_translation("pesel", "uk")
    target = translation.get_target_instance()
    editor = reverse("wagtailadmin_pages:edit", args=[target.pk])
    client = client_for("fundacja-editor")
    html = client.get(editor).content.decode()
    assert shadow_url(translation) in html  # wagtail-localize offers its button (our translator serves pl→uk)
    response = client.post(shadow_url(translation), {"next": editor}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[0][0] == editor
    assert any("Machine-translated with LibreTranslate" in m for m in messages_of(response)), messages_of(response)
    strings = StringTranslation.objects.filter(locale=locale("uk"), context__object_id=translation.source.object_id)
    assert strings.filter(data="NUMER PESEL DLA OBYWATELI UKRAINY").exists()
    assert characters_used(Institution.objects.get(slug="fundacja")) > 0
    response = client.post(shadow_url(translation), {"next": editor}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert any("Nothing was left to translate" in m for m in messages_of(response))


def test_shadow_view_budget_exceeded(portal, libretranslate: APIServer) -> None:
    translation = synced_translation("pesel", "uk")
    MachineTranslationBudget.objects.create(institution=Institution.objects.get(slug="fundacja"), monthly_characters=0)
    editor = reverse("wagtailadmin_pages:edit", args=[translation.get_target_instance().pk])
    response = client_for("fundacja-editor").post(shadow_url(translation), {"next": editor}, follow=True,
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("allowance for Fundacja Testowa is used up" in m for m in messages_of(response)), messages_of(response)
    strings = StringTranslation.objects.filter(locale=locale("uk"), context__object_id=translation.source.object_id)
    assert not strings.exists()


def test_shadow_view_service_down(portal, libretranslate: APIServer) -> None:
    translation = synced_translation("pesel", "uk")
    libretranslate.fail_with = 500
    editor = reverse("wagtailadmin_pages:edit", args=[translation.get_target_instance().pk])
    response = client_for("fundacja-editor").post(shadow_url(translation), {"next": editor}, follow=True,
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("not available at the moment" in m for m in messages_of(response)), messages_of(response)
    assert characters_used(Institution.objects.get(slug="fundacja")) == 0  # given back


def test_shadow_view_not_configured(portal) -> None:
    translation = synced_translation("pesel", "uk")
    response = client_for("fundacja-editor").post(shadow_url(translation), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert any("No machine translation service" in m for m in messages_of(response))


def test_shadow_view_permissions(portal, libretranslate: APIServer) -> None:
    translation = synced_translation("pesel", "uk")
    assert_login_required(client_for(None).post(shadow_url(translation)))
    assert_denied(client_for("urzad-editor").post(shadow_url(translation)))
    forbidden = client_for("urzad-editor").post(shadow_url(translation), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert forbidden.status_code == 403
    assert not StringTranslation.objects.filter(locale=locale("uk")).exists()
    assert client_for("fundacja-editor").get(shadow_url(translation)).status_code == 405  # POST only



def test_content_of_no_institution(portal, libretranslate: APIServer) -> None:
    """A topic page belongs to no institution: a regional admin may machine-translate it and nobody's
    allowance is charged; an institution's editor may not."""
    from otwarta.machine_translation.models import CharacterUsage
    from otwarta.portal.models import HomePage, TopicPage
    from otwarta.portal.services import publish

    home = HomePage.objects.get(locale__language_code="pl")
    topic = TopicPage(title="Praca", slug="praca-mt", intro="Praca i PESEL.", locale=home.locale)
    home.add_child(instance=topic)
    publish(topic)
    response = client_for("region").post(translate_url(topic), {"locale": "en"}, follow=True)
    assert response.status_code == 200
    target = topic.get_translation(locale("en"))
    assert target.get_latest_revision_as_object().intro == "PRACA I PESEL."
    assert not CharacterUsage.objects.exists()
    translation = Translation.objects.get(source__object_id=topic.translation_key, target_locale=locale("en"))
    StringTranslation.objects.filter(locale=locale("en")).delete()
    editor = reverse("wagtailadmin_pages:edit", args=[target.pk])
    assert_denied(client_for("urzad-editor").post(shadow_url(translation), {"next": editor}))
    response = client_for("region").post(shadow_url(translation), {"next": editor}, follow=True)
    assert StringTranslation.objects.filter(locale=locale("en"), data="PRACA I PESEL.").exists()
    assert not CharacterUsage.objects.exists()
