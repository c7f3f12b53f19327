"""Fixtures: two Polish forms (one per test institution, with a PDF each) and a Ukrainian translation of
the first one, on top of the test portal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Locale

from otwarta.forms_library.models import OfficialForm
from otwarta.forms_library.pdf import text_pdf
from otwarta.institutions.models import Institution

FIELDS_PL = [
    {"type": "section", "value": "Dane osobowe"},
    {"type": "field", "value": {"number": "1", "label": "Nazwisko", "explanation": "Nazwisko jak w paszporcie.",
                                "example": "KOWALENKO"}},
    {"type": "field", "value": {"number": "2", "label": "Obywatelstwo", "explanation": "Państwo, którego jesteś "
                                "obywatelem.", "example": "ukraińskie"}},
]
FIELDS_UK = [
    {"type": "section", "value": "Особисті дані"},
    {"type": "field", "value": {"number": "1", "label": "Nazwisko", "explanation": "Прізвище як у паспорті.",
                                "example": "KOWALENKO"}},
    {"type": "field", "value": {"number": "2", "label": "Obywatelstwo",
                                "explanation": "Держава, громадянином якої ви є.", "example": "ukraińskie"}},
]


@dataclass
class Forms:
    permit: OfficialForm  # urzad, pl
    permit_uk: OfficialForm  # its Ukrainian translation
    grant: OfficialForm  # fundacja, pl, no translation


def make_document(title: str) -> Any:
    return get_document_model().objects.create(
        title=title, file=ContentFile(text_pdf([(title, 12)]), name=f"{title.lower().replace(' ', '-')}.pdf"))


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def forms(portal, media) -> Forms:  # type: ignore[no-untyped-def]
    pl = Locale.objects.get(language_code="pl")
    uk = Locale.objects.get(language_code="uk")
    permit = OfficialForm.objects.create(
        locale=pl, slug="wniosek-pobyt", title="Wniosek o udzielenie zezwolenia na pobyt czasowy",
        institution=Institution.objects.get(slug="urzad"), source_url="https://urzad.example.org/formularze",
        document=make_document("Wniosek pobyt"), summary="Wniosek o zezwolenie na pobyt czasowy w Polsce.",
        fields=FIELDS_PL,
    )
    permit_uk = permit.copy_for_translation(uk)
    permit_uk.title = "Заява на дозвіл на тимчасове перебування"
    permit_uk.summary = "Заява на дозвіл на тимчасове перебування в Польщі."
    permit_uk.fields = FIELDS_UK
    permit_uk.save()
    grant = OfficialForm.objects.create(
        locale=pl, slug="wniosek-stypendium", title="Wniosek o stypendium fundacji",
        institution=Institution.objects.get(slug="fundacja"), source_url="https://fundacja.example.org/stypendium",
        document=make_document("Wniosek stypendium"), summary="Stypendium dla uczniów cudzoziemców.",
        fields=FIELDS_PL,
    )
    return Forms(permit=permit, permit_uk=permit_uk, grant=grant)
