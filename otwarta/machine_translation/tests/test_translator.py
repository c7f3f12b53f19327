"""The wagtail-localize machine translator against the local LibreTranslate and DeepL protocol servers."""

from __future__ import annotations

import pytest
from django.conf import settings
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.strings import StringValue

from otwarta.institutions.models import Institution
from otwarta.machine_translation.exceptions import BudgetExceeded, NotConfigured
from otwarta.machine_translation.models import MachineTranslationBudget
from otwarta.machine_translation.services import characters_used
from otwarta.machine_translation.translator import NoPayer, PortalMachineTranslator, charging, to_string_value

from .servers import APIServer

pytestmark = pytest.mark.django_db

SOURCE = StringValue('Masz <a id="a1">kartę pobytu</a> i <b>PESEL</b>? Zadzwoń do <a id="a2">NFZ</a>.')


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def test_configured_in_settings_and_off_by_default(portal) -> None:
    assert settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR["CLASS"].endswith("PortalMachineTranslator")
    translator = get_machine_translator()
    assert isinstance(translator, PortalMachineTranslator)
    assert translator.can_translate(locale("pl"), locale("en")) is False


def test_can_translate_only_served_pairs(portal, libretranslate: APIServer) -> None:
    translator = PortalMachineTranslator()
    assert translator.can_translate(locale("pl"), locale("en"))
    assert translator.can_translate(locale("pl"), locale("ka"))
    assert not translator.can_translate(locale("pl"), locale("ru"))  # the server does not translate into ru
    assert translator.display_name == "LibreTranslate"


@pytest.mark.parametrize("backend", ["libretranslate", "deepl"])
def test_glossary_markup_and_links_survive(portal, backend: str, request: pytest.FixtureRequest) -> None:
    server: APIServer = request.getfixturevalue(backend)
    institution = Institution.objects.get(slug="urzad")
    translator = PortalMachineTranslator()
    other = StringValue("Dzień dobry")
    with charging(institution):
        result = translator.translate(locale("pl"), locale("en"), [SOURCE, other])
    assert result[SOURCE].data == 'MASZ <a id="a1">residence card</a> I <b>PESEL</b>? ZADZWOŃ DO <a id="a2">NFZ</a>.'
    assert result[other].data == "DZIEŃ DOBRY"
    assert characters_used(institution) == len(SOURCE.data) + len(other.data)
    assert translator.display_name == {"libretranslate": "LibreTranslate", "deepl": "DeepL"}[backend]
    # What the service saw: the glossary terms inside untranslatable spans.
    sent = str(server.requests[-1]["body"])
    assert 'translate="no"' in sent and "residence card" in sent


def test_no_payer_no_translation(portal, libretranslate: APIServer) -> None:
    with pytest.raises(NoPayer):
        PortalMachineTranslator().translate(locale("pl"), locale("en"), [StringValue("tak")])
    assert not [r for r in libretranslate.requests if r["path"] == "/translate"]


def test_budget_and_nobody(portal, libretranslate: APIServer) -> None:
    institution = Institution.objects.get(slug="urzad")
    MachineTranslationBudget.objects.create(institution=institution, monthly_characters=5)
    translator = PortalMachineTranslator()
    with charging(institution), pytest.raises(BudgetExceeded):
        translator.translate(locale("pl"), locale("en"), [StringValue("za długi tekst")])
    with charging(None):  # content of no institution: nobody's allowance
        assert translator.translate(locale("pl"), locale("en"), [StringValue("za długi tekst")])[
            StringValue("za długi tekst")].data == "ZA DŁUGI TEKST"
    assert characters_used(institution) == 0


def test_unsupported_pair(portal, libretranslate: APIServer) -> None:
    with charging(None), pytest.raises(NotConfigured):
        PortalMachineTranslator().translate(locale("pl"), locale("ru"), [StringValue("tak")])


def test_unusable_answers_are_left_out() -> None:
    source = StringValue('<a id="a1">tu</a>')
    assert to_string_value(source, '<a id="a1">HERE</a>') == StringValue('<a id="a1">HERE</a>')
    assert to_string_value(source, "HERE") is None  # the link is lost
    assert to_string_value(source, '<a id="a1" href="x">HERE</a>') is None  # an attribute crept in
    assert to_string_value(source, '<p><a id="a1">HERE</a></p>') is None  # a block element
