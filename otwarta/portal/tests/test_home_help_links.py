"""The home page leads readers to the directory, the registers, the request form and the forms library."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_home_page_links_to_help_near_you(portal, language) -> None:  # type: ignore[no-untyped-def]
    html = Client().get(f"/{language}/").content.decode()
    for path in ("uslugi/", "tlumacze/", "zamow-tlumacza/", "formularze/"):
        assert f'href="/{language}/{path}"' in html
