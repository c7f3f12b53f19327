"""The cache is purged when a page, or anything shown on it, is published, unpublished, moved or deleted."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from otwarta.institutions.models import Institution
from otwarta.pagecache import services
from otwarta.pagecache.signals import is_content_model

from .conftest import ARTICLE, ARTICLE_EN, OTHER, body_of

pytestmark = pytest.mark.django_db


def _article() -> Page:
    return Page.objects.get(url_path__endswith="/urzad/karta-pobytu/", locale__language_code="pl").specific


def _warm(client, *paths: str) -> None:  # type: ignore[no-untyped-def]
    for path in paths:
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"


def test_publishing_a_page_purges_it_and_its_translations(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE, ARTICLE_EN, OTHER)
    page = _article()
    page.title = "Karta pobytu – nowy tytuł"
    page.save_revision().publish()
    response = anonymous.get(ARTICLE)
    assert response["X-Cache"] == "MISS"
    assert "nowy tytuł" in body_of(response).decode()
    assert anonymous.get(ARTICLE_EN)["X-Cache"] == "MISS"  # its language switcher may show the new title
    assert anonymous.get(OTHER)["X-Cache"] == "MISS"  # lists and menus may show it too
    assert anonymous.get(ARTICLE)["X-Cache"] == "HIT"


def test_saving_a_draft_does_not_purge(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    page = _article()
    page.title = "Szkic"
    page.save_revision()
    response = anonymous.get(ARTICLE)
    assert response["X-Cache"] == "HIT"
    assert "Szkic" not in body_of(response).decode()


def test_unpublishing_purges(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    _article().unpublish()
    assert anonymous.get(ARTICLE).status_code == 404


def test_moving_purges_old_and_new_urls(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    page = _article()
    target = Page.objects.get(url_path__endswith="/fundacja/", locale__language_code="pl")
    page.move(target, pos="last-child")
    old = anonymous.get(ARTICLE)  # Wagtail's automatic redirect, not the cached page
    assert old.status_code in (301, 404)
    assert anonymous.get("/pl/instytucje/fundacja/karta-pobytu/").status_code == 200


def test_deleting_a_page_purges(portal, anonymous) -> None:
    _warm(anonymous, OTHER)
    Page.objects.get(url_path__endswith="/fundacja/pesel/", locale__language_code="pl").delete()
    assert anonymous.get(OTHER).status_code == 404


def test_snippet_save_purges_pages_showing_it(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    institution = Institution.objects.get(slug="urzad")
    institution.save()
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"


def test_page_log_entry_of_a_live_change_purges(portal, anonymous) -> None:
    """Changes made with QuerySet.update() that write an editorial log entry (e.g. "mark as checked")."""
    from django.contrib.auth import get_user_model

    from otwarta.currency.services import mark_checked

    _warm(anonymous, ARTICLE)
    mark_checked(_article(), get_user_model().objects.get(username="admin"))
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"


def test_invalidate_all_public_api(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    before = services.current_generation()
    after = services.invalidate_all("test")
    assert after and after != before
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"


def test_outdated_entry_is_served_while_another_request_renders_it(portal, anonymous) -> None:
    _warm(anonymous, ARTICLE)
    services.invalidate_all("test")
    digest = services.key_digest("testserver", ARTICLE, "", "pl")
    services.get_cache().add(services.LOCK_PREFIX + digest, 1)  # another worker is re-rendering
    assert anonymous.get(ARTICLE)["X-Cache"] == "STALE"
    services.get_cache().delete(services.LOCK_PREFIX + digest)
    assert anonymous.get(ARTICLE)["X-Cache"] == "MISS"


def test_content_rule() -> None:
    from django.apps import apps

    content = {m._meta.label_lower for m in apps.get_models() if is_content_model(m)}
    assert {"portal.articlepage", "institutions.institution", "directory.service", "registers.person",
            "forms_library.officialform", "printing.printpack", "guide.situationguidepage", "wagtailcore.page",
            "wagtailimages.image", "wagtaildocs.document", "wagtailredirects.redirect", "wagtailcore.locale",
            "wagtailcore.site"} <= content
    assert not {"sessions.session", "assistance.assistancerequest", "printing.packfile", "wagtailcore.revision",
                "wagtailcore.pagelogentry", "wagtailimages.rendition", "wagtailembeds.embed",
                "django_tasks_database.dbtaskresult", "currency.scheduledrun"} & content


def test_one_bump_after_commit_per_transaction(portal) -> None:
    from django.db import connection

    from otwarta.pagecache.signals import _bump_after_commit

    for institution in Institution.objects.all():
        institution.save()
        institution.save()
    assert [entry[1] for entry in connection.run_on_commit if entry[1] is _bump_after_commit] == [
        _bump_after_commit]
