"""Regressions for what the permission matrix found (docs/security.md, "Permission matrix")."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from otwarta.core.testing import signed_in_client

pytestmark = pytest.mark.django_db


def _article_and_section() -> tuple[Any, Any]:
    from otwarta.portal.models import ArticlePage, InstitutionPage

    article = ArticlePage.objects.get(slug="karta-pobytu", locale__language_code="pl")
    return article, InstitutionPage.objects.ancestor_of(article).get()


@pytest.mark.parametrize(("username", "shown"), [
    ("fundacja-editor", False), ("urzad-editor", False), ("urzad-moderator", True), ("region", True),
])
def test_move_confirmation_needs_the_right_to_move(portal: Any, username: str, shown: bool) -> None:
    article, section = _article_and_section()
    url = reverse("wagtailadmin_pages:move_confirm", args=[article.pk, section.pk])
    response = signed_in_client(username).get(url)
    if shown:
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")


def test_deleting_an_area_in_use_is_refused_without_a_server_error(portal: Any) -> None:
    from otwarta.directory import testing as directory
    from otwarta.institutions.models import Area

    # The voivodeship: deleting it cascades to its counties, one of which a location names (PROTECT).
    # Wagtail's reference index (which makes its delete view refuse protected objects up front) only sees
    # direct references, so Django raised ProtectedError (a 500) before AreaDeleteView.
    directory.location(directory.organization(owner=directory.institution()))  # county 1261
    county = directory.county().parent
    assert county is not None
    client = signed_in_client("admin")
    client.raise_request_exception = True
    response = client.post(reverse("wagtailsnippets_institutions_area:delete", args=[county.pk]), follow=True)
    assert response.status_code == 200
    assert Area.objects.filter(pk=county.pk).exists()
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and response.redirect_chain[-1][0] != reverse("wagtailadmin_home"), shown
