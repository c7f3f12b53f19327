from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import date_format

from otwarta.institutions.models import Institution
from otwarta.machine_translation.backends import configured_backends
from otwarta.machine_translation.exceptions import BudgetExceeded, NotConfigured, QuotaExceeded
from otwarta.machine_translation.glossary import Glossary
from otwarta.machine_translation.models import CharacterUsage, MachineTranslationBudget
from otwarta.machine_translation.services import (
    budget_status,
    characters_used,
    current_month,
    next_month,
    translate_for_institution,
)

from .servers import APIServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution() -> Institution:
    return Institution.objects.create(name="Instytucja Próbna Tłumaczeń", slug="instytucja-probna-mt", kind="other")


def test_months() -> None:
    assert current_month(datetime.date(2026, 1, 31)) == datetime.date(2026, 1, 1)
    assert next_month(datetime.date(2026, 1, 1)) == datetime.date(2026, 2, 1)
    assert next_month(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 1)


def test_not_configured(institution: Institution) -> None:
    with pytest.raises(NotConfigured):
        translate_for_institution(institution, ["tak"], "pl", "en")
    assert characters_used(institution) == 0


def test_usage_is_counted_and_refused_over_budget(libretranslate: APIServer, institution: Institution) -> None:
    MachineTranslationBudget.objects.create(institution=institution, monthly_characters=20)
    assert translate_for_institution(institution, ["dzień dobry"], "pl", "en", glossary=Glossary()) == ["DZIEŃ DOBRY"]
    assert characters_used(institution) == 11
    translate_for_institution(institution, ["abc", "defgh"], "pl", "en", glossary=Glossary())
    assert characters_used(institution) == 19
    sent = len([r for r in libretranslate.requests if r["path"] == "/translate"])
    with translation.override("en"), pytest.raises(BudgetExceeded) as excinfo:
        translate_for_institution(institution, ["ab"], "pl", "en", glossary=Glossary())
    assert str(excinfo.value).startswith("This text has 2 characters, but only 1 of this month's 20 characters")
    assert len([r for r in libretranslate.requests if r["path"] == "/translate"]) == sent  # never sent
    translate_for_institution(institution, ["a"], "pl", "en", glossary=Glossary())
    with translation.override("en"), pytest.raises(BudgetExceeded) as excinfo:
        translate_for_institution(institution, ["a"], "pl", "en", glossary=Glossary())
    renews = next_month(current_month())
    with translation.override("en"):
        assert str(excinfo.value) == (
            "This month's machine translation allowance for Instytucja Próbna Tłumaczeń is used up "
            "(20 of 20 characters). "
            f"It renews on {date_format(renews, 'DATE_FORMAT')}."
        )
    status = budget_status(institution)
    assert (status.limit, status.used, status.remaining, status.renews_on) == (20, 20, 0, renews)
    # One row for the month, and last month's usage does not count against this one.
    assert CharacterUsage.objects.filter(institution=institution).count() == 1
    CharacterUsage.objects.filter(institution=institution).update(month=datetime.date(2020, 1, 1))
    assert translate_for_institution(institution, ["a"], "pl", "en", glossary=Glossary()) == ["A"]
    assert characters_used(institution) == 1


def test_default_budget_from_settings(libretranslate: APIServer, institution: Institution, settings: Any) -> None:
    settings.OTWARTA_MT = {**settings.OTWARTA_MT, "DEFAULT_MONTHLY_CHARACTERS": 5}
    assert budget_status(institution).limit == 5
    with pytest.raises(BudgetExceeded):
        translate_for_institution(institution, ["sześć!"], "pl", "en", glossary=Glossary())
    assert translate_for_institution(institution, ["pięć!"], "pl", "en", glossary=Glossary()) == ["PIĘĆ!"]


def test_failed_request_gives_characters_back(deepl: APIServer, institution: Institution) -> None:
    backend = configured_backends()[0]
    backend.supported_pairs()
    deepl.fail_with = 456
    with pytest.raises(QuotaExceeded):
        translate_for_institution(institution, ["tak"], "pl", "en", backend=backend, glossary=Glossary())
    assert characters_used(institution) == 0
    deepl.fail_with = None
    assert translate_for_institution(institution, ["tak"], "pl", "en", glossary=Glossary()) == ["TAK"]
    assert characters_used(institution) == 3
