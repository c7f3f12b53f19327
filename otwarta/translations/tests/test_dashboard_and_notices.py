"""The translation dashboard (counts, filters, links, access) and the readers' notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Locale

from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage
from otwarta.portal.services import publish
from otwarta.translations import services
from otwarta.translations.models import Origin

KARTA_PL = "/pl/instytucje/urzad/karta-pobytu/"
KARTA_EN = "/en/instytucje/urzad/karta-pobytu/"
KARTA_UK = "/uk/instytucje/urzad/karta-pobytu/"


def user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


def karta(code: str = "pl") -> ArticlePage:
    source = ArticlePage.objects.get(url_path="/home/instytucje/urzad/karta-pobytu/", locale__language_code="pl")
    return source if code == "pl" else source.get_translation(Locale.objects.get(language_code=code)).specific


def change_source() -> None:
    page = karta()
    page.summary += " Nowe zasady."
    with freeze_time(timezone.now() + dt.timedelta(minutes=10)):
        publish(page)


# --- dashboard --------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, portal):
    response = client.get("/admin/translations/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_regional_admin_sees_counts_and_rows(client, portal):
    change_source()
    client.force_login(user("region"))
    response = client.get("/admin/translations/")
    assert response.status_code == 200
    counts = response.context["table"]
    english = next(line for line in counts if line["code"] == "en")
    outdated = next(cell for cell in english["cells"] if cell["status"] == "outdated")
    assert outdated["count"] == 1
    response = client.get("/admin/translations/", {"locale": "en", "status": "outdated"})
    rows = response.context["rows"]
    assert [(row["title"], row["locale"]) for row in rows] == [(karta().title, "en")]
    assert rows[0]["target_url"] == f"/admin/pages/{karta('en').pk}/edit/"
    assert "otwarta-status--outdated" in response.content.decode()


def test_missing_rows_link_to_translate(client, portal):
    client.force_login(user("region"))
    response = client.get("/admin/translations/", {"locale": "ru", "status": "missing"})
    row = next(row for row in response.context["rows"] if row["title"] == karta().title)
    assert row["target_url"] is None
    assert row["translate_url"].startswith(f"/admin/localize/submit/page/{karta().pk}/")


def test_institution_editor_starts_with_own_institution(client, portal):
    client.force_login(user("urzad-editor"))
    response = client.get("/admin/translations/")
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["institution"] == Institution.objects.get(slug="urzad")
    titles = {row["title"] for row in response.context["rows"]}
    assert karta().title in titles
    assert not any("PESEL" in title for title in titles)


def test_bad_filter_values_are_ignored(client, portal):
    client.force_login(user("region"))
    response = client.get("/admin/translations/", {"locale": "xx", "status": "nonsense", "institution": "abc"})
    assert response.status_code == 200
    assert response.context["paginator"].count > 0


def test_pagination(client, portal, monkeypatch):
    monkeypatch.setattr("otwarta.translations.views.PER_PAGE", 3)
    client.force_login(user("region"))
    first = client.get("/admin/translations/").context
    second = client.get("/admin/translations/", {"p": 2}).context
    assert first["paginator"].num_pages > 1
    seen = {r["title"] + r["locale"] for r in first["rows"]}
    assert seen.isdisjoint({r["title"] + r["locale"] for r in second["rows"]})


def test_ukrainian_admin_interface(client, portal):
    from wagtail.users.models import UserProfile

    admin = user("region")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "uk"
    profile.save()
    client.force_login(admin)
    html = client.get("/admin/translations/").content.decode()
    assert "Застаріл" in html  # "Outdated" in Ukrainian


# --- readers' notices --------------------------------------------------------------------------------
def test_no_notice_on_an_up_to_date_translation_or_the_source(client, portal):
    for url in (KARTA_EN, KARTA_PL):
        html = client.get(url).content.decode()
        assert "notice-translation" not in html


def test_notice_on_an_outdated_translation(client, portal):
    change_source()
    html = client.get(KARTA_EN).content.decode()
    assert "notice-translation" in html
    assert "The Polish version of this page has changed" in html
    assert f'href="{KARTA_PL}" hreflang="pl"' in html
    assert "notice-translation" not in client.get(KARTA_PL).content.decode()


def test_notice_on_a_machine_translation_in_the_readers_language(client, portal):
    with freeze_time(timezone.now() + dt.timedelta(minutes=5)):
        services.record_sync(karta("uk"), origin=Origin.MACHINE)
    html = client.get(KARTA_UK).content.decode()
    assert "notice-translation" in html
    assert "перекладено автоматично" in html.lower()
    services.mark_reviewed(karta("uk"), user("region"))
    assert "notice-translation" not in client.get(KARTA_UK).content.decode()


@pytest.mark.parametrize("code", ["en", "uk", "ru", "be", "ka"])
def test_notice_texts_are_translated(code):
    from django.utils import translation

    with translation.override(code):
        from django.template.loader import render_to_string

        html = render_to_string("translations/notice.html", {"status": "outdated", "source_url": "/pl/x/"})
    if code != "en":
        assert "The Polish version of this page has changed" not in html


# --- editor panel ------------------------------------------------------------------------------------
def test_editor_panel_lists_the_status_of_each_translation(client, portal):
    change_source()
    client.force_login(user("urzad-editor"))
    html = client.get(f"/admin/pages/{karta().pk}/edit/").content.decode()
    assert "otwarta-translation-panel" in html
    assert "otwarta-status--outdated" in html  # en
    assert "otwarta-status--missing" in html  # ru
    assert f"/admin/pages/{karta('en').pk}/edit/" in html


def test_minor_change_box_starts_unticked(client, portal):
    page = karta()
    page.minor_change = True
    publish(page)
    client.force_login(user("urzad-editor"))
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.context["form"].initial["minor_change"] is False


def test_missing_rows_offer_machine_translation_only_where_a_service_serves(client, portal, monkeypatch):
    client.force_login(user("region"))
    response = client.get("/admin/translations/", {"status": "missing"})
    assert not any(row["machine_url"] for row in response.context["rows"])  # no service configured
    monkeypatch.setattr("otwarta.translations.views.served_target_codes", lambda: frozenset({"ru"}))
    rows = client.get("/admin/translations/", {"status": "missing"}).context["rows"]
    offered = {row["locale"] for row in rows if row["machine_url"]}
    assert offered == {"ru"}
    row = next(row for row in rows if row["machine_url"] and row["title"] == karta().title)
    assert row["machine_url"] == f"/admin/machine-translation/page/{karta().pk}/translate/"


def test_rows_link_to_a_translation_task_for_that_object_and_language(client, portal):
    client.force_login(user("region"))
    rows = client.get("/admin/translations/", {"locale": "ru", "status": "missing"}).context["rows"]
    row = next(row for row in rows if row["title"] == karta().title)
    response = client.get(row["task_url"])
    assert response.status_code == 200
    assert str(karta().translation_key) in row["task_url"] and "locale=ru" in row["task_url"]
