"""Glossary warnings on human translations: Wagtail's page editor and wagtail-localize's editor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data
from wagtail_localize.models import StringSegment, StringTranslation

from otwarta.machine_translation.glossary_checks import warnings_for_page
from otwarta.translations.services import ensure_translation

from .helpers import client_for, locale, polish, user

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def topic_form(page: Page, intro: str, **extra: str) -> dict[str, str]:
    return nested_form_data({
        "title": page.title, "slug": page.slug, "intro": intro, "icon": page.icon, "comments": inline_formset([]),
        **extra,
    })


def test_warning_when_saving_a_translation_in_the_page_editor(portal) -> None:
    english = polish("pobyt").get_translation(locale("en")).specific  # "Wizy i karty pobytu." in Polish
    client = client_for("region")
    url = reverse("wagtailadmin_pages:edit", args=[english.pk])
    response = client.post(url, topic_form(english, "Visas and residence permits."), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    warnings = [m for m in messages_of(response) if "does not follow the glossary" in m]
    assert warnings == ["This translation does not follow the glossary: “karta pobytu” should be translated as "
                        "“residence card”."], messages_of(response)
    # Published with the glossary's term: no warning.
    response = client.post(url, topic_form(english, "Visas and the residence card.", **{"action-publish": "1"}),
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not [m for m in messages_of(response) if "glossary" in m], messages_of(response)
    english.refresh_from_db()
    assert english.intro == "Visas and the residence card."


def test_no_warning_on_the_polish_page(portal) -> None:
    source = polish("pobyt")
    response = client_for("region").post(reverse("wagtailadmin_pages:edit", args=[source.pk]),
                                         topic_form(source, "Wizy i karty pobytu, bez PESEL."), follow=True)
    assert not [m for m in messages_of(response) if "glossary" in m.lower() or "słownik" in m.lower()]


def test_whole_page_comparison(portal) -> None:
    english = polish("pesel").get_translation(locale("en")).specific
    assert warnings_for_page(english) == []  # "PESEL" kept
    english.title = "Personal number for citizens of Ukraine"
    english.body = "[]"
    english.summary = "Who can get it."
    assert [w.term for w in warnings_for_page(english)] == ["PESEL"]


def test_warning_in_the_translation_editor(portal) -> None:
    source = polish("pesel")
    translation = ensure_translation(source, locale("uk"), user("admin"))
    translation.save_target(user=user("admin"), publish=False)
    target = translation.get_target_instance()
    title = StringSegment.objects.get(source=translation.source, context__path="title")
    StringTranslation.objects.create(translation_of_id=title.string_id, context_id=title.context_id,
                                     locale=locale("uk"), data="Номер для громадян України",
                                     translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL)
    response = client_for("fundacja-editor").get(reverse("wagtailadmin_pages:edit", args=[target.pk]),
                                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]
    assert "This translation does not follow the glossary: “PESEL” should stay as it is in the translation, but " \
           "it is missing." in messages_of(response)
    StringTranslation.objects.filter(translation_of_id=title.string_id, locale=locale("uk")).update(
        data="Номер PESEL для громадян України")
    response = client_for("fundacja-editor").get(reverse("wagtailadmin_pages:edit", args=[target.pk]))
    assert not [m for m in messages_of(response) if "PESEL" in m]
