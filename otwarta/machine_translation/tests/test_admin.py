"""The glossary and the budgets in the Wagtail admin: regional administrators only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from otwarta.institutions.services import REGIONAL_ADMINS
from otwarta.machine_translation.models import GlossaryTerm

GLOSSARY = "/admin/snippets/machine_translation/glossaryterm/"
BUDGETS = "/admin/snippets/machine_translation/machinetranslationbudget/"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_regional_administrators_hold_the_snippet_permissions(portal) -> None:
    region = get_user_model().objects.get(username="region")
    assert region.groups.filter(name=REGIONAL_ADMINS).exists()
    for perm in ("add_glossaryterm", "change_glossaryterm", "delete_glossaryterm", "change_machinetranslationbudget"):
        assert region.has_perm(f"machine_translation.{perm}")
    editor = get_user_model().objects.get(username="urzad-editor")
    assert not editor.has_perm("machine_translation.change_glossaryterm")


def test_regional_administrator_edits_the_glossary(portal) -> None:
    client = client_for("region")
    GlossaryTerm.objects.filter(term="karta pobytu").delete()
    assert client.get(GLOSSARY).status_code == 200
    assert client.get(BUDGETS).status_code == 200
    response = client.post(f"{GLOSSARY}add/", {
        "source_lang": "pl", "target_lang": "en", "term": "karta pobytu", "other_forms": "kartę pobytu",
        "translation": "residence card", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GlossaryTerm.objects.get(term="karta pobytu").translation == "residence card"
    response = client.post(f"{GLOSSARY}add/", {
        "source_lang": "pl", "target_lang": "", "term": "KRUS", "translation": "KRUS-owski", "note": "",
    })
    assert response.status_code == 200  # a fixed translation needs a target language
    assert not GlossaryTerm.objects.filter(term="KRUS").exists()


@pytest.mark.parametrize("username", ["urzad-editor", "urzad-moderator"])
def test_institution_staff_cannot_see_the_glossary(portal, username: str) -> None:
    client = client_for(username)
    for url in (GLOSSARY, f"{GLOSSARY}add/", BUDGETS):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].split("?")[0] in ("/admin/", "/admin/login/")
