"""The "Pages to check" dashboard panel and the two admin reports, per user."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl.cell.cell  # noqa: F401 - import before freezegun patches datetime.date (its type table)
import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from otwarta.currency.models import ExternalLink

from .conftest import KARTA, PESEL, make_due, source

TODAY = dt.date(2026, 6, 1)
KARTA_TITLE = "Karta pobytu czasowego"
PESEL_TITLE = "Numer PESEL dla obywateli Ukrainy"


def _panel(html: str) -> str:
    start = html.find('id="pages-to-check-section"')
    if start == -1:
        return ""
    return html[start:html.find("</section>", start)]


@pytest.fixture
def both_due():  # type: ignore[no-untyped-def]
    make_due(KARTA, TODAY, days_overdue=3)  # overdue
    make_due(PESEL, TODAY, days_overdue=-5)  # due soon


@freeze_time("2026-06-01 08:00:00")
@pytest.mark.parametrize(
    ("username", "sees", "does_not_see"),
    [
        ("urzad-editor", [KARTA_TITLE], [PESEL_TITLE]),
        ("urzad-moderator", [KARTA_TITLE], [PESEL_TITLE]),
        ("fundacja-editor", [PESEL_TITLE], [KARTA_TITLE]),
        ("region", [KARTA_TITLE, PESEL_TITLE], []),
    ],
)
def test_dashboard_panel_lists_own_institution_pages(portal, both_due, user, client, username, sees, does_not_see):
    client.force_login(user(username))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert panel, "the panel is missing"
    for title in sees:
        assert title in panel
        page = source(KARTA if title == KARTA_TITLE else PESEL)
        assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in panel
        assert reverse("otwarta_currency:mark_checked", args=[page.pk]) in panel
    for title in does_not_see:
        assert title not in panel
    if username == "urzad-editor":
        assert "2026" in panel and "en, ka, uk" in panel  # due date shown; translations listed


@freeze_time("2026-06-01 08:00:00")
def test_dashboard_panel_hides_current_pages(portal, user, client):
    make_due(KARTA, TODAY, days_overdue=-60)
    client.force_login(user("urzad-editor"))
    panel = _panel(client.get(reverse("wagtailadmin_home")).content.decode())
    assert panel  # shown, saying nothing is due
    assert KARTA_TITLE not in panel


def test_dashboard_panel_absent_for_users_without_institution(portal, client, django_user_model):
    from django.contrib.auth.models import Permission

    outsider = django_user_model.objects.create_user("outsider", "outsider@example.org", "x" * 12)
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert not _panel(response.content.decode())
    # The reports refuse (Wagtail turns PermissionDenied into a redirect to the dashboard).
    for name in ("otwarta_currency:pages_report", "otwarta_currency:broken_links"):
        assert client.get(reverse(name))["Location"] == reverse("wagtailadmin_home")


# --- the "Pages to check" report ------------------------------------------------------------------


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@freeze_time("2026-06-01 08:00:00")
def test_report_filters_and_exports(portal, both_due, user, client):
    url = reverse("otwarta_currency:pages_report")
    client.force_login(user("region"))
    html = client.get(url).content.decode()
    assert KARTA_TITLE in html and PESEL_TITLE in html
    # The fragment the filters reload without a full page (Wagtail's listing JavaScript).
    fragment = client.get(reverse("otwarta_currency:pages_report_results"), {"state": "due_soon"})
    assert fragment.status_code == 200
    assert PESEL_TITLE in fragment.content.decode() and KARTA_TITLE not in fragment.content.decode()

    rows = _csv(client.get(url, {"export": "csv"}))
    assert len(rows) == 3  # heading + two pages, most urgent first
    assert rows[1][0] == KARTA_TITLE and rows[2][0] == PESEL_TITLE
    assert "2026-05-29" in rows[1]  # due date of the overdue page
    assert "en, ka, uk" in rows[1]
    assert rows[1][-1].endswith(reverse("wagtailadmin_pages:edit", args=[source(KARTA).pk]))

    overdue = _csv(client.get(url, {"export": "csv", "state": "overdue"}))
    assert [r[0] for r in overdue[1:]] == [KARTA_TITLE]
    from otwarta.institutions.models import Institution

    fundacja = Institution.objects.get(slug="fundacja")
    by_institution = _csv(client.get(url, {"export": "csv", "institution": fundacja.pk}))
    assert [r[0] for r in by_institution[1:]] == [PESEL_TITLE]

    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"  # a zip container, as XLSX is


@freeze_time("2026-06-01 08:00:00")
def test_report_shows_only_own_institution_and_current_on_request(portal, both_due, user, client):
    url = reverse("otwarta_currency:pages_report")
    client.force_login(user("fundacja-editor"))
    rows = _csv(client.get(url, {"export": "csv"}))
    assert [r[0] for r in rows[1:]] == [PESEL_TITLE]
    make_due(PESEL, TODAY, days_overdue=-100)
    assert _csv(client.get(url, {"export": "csv"}))[1:] == []
    assert [r[0] for r in _csv(client.get(url, {"export": "csv", "state": "all"}))[1:]] == [PESEL_TITLE]
    assert [r[0] for r in _csv(client.get(url, {"export": "csv", "state": "current"}))[1:]] == [PESEL_TITLE]
    # Another institution's filter value is not a valid choice: nothing leaks.
    from otwarta.institutions.models import Institution

    urzad = Institution.objects.get(slug="urzad")
    leaked = _csv(client.get(url, {"export": "csv", "state": "all", "institution": urzad.pk}))
    assert KARTA_TITLE not in {r[0] for r in leaked}


# --- the "Broken links" report --------------------------------------------------------------------


def test_broken_links_report_per_institution(portal, user, client):
    karta, pesel = source(KARTA), source(PESEL)
    now = timezone.now()
    ExternalLink.objects.create(page=karta, url="https://urzad.example.org/stary", text="Stary formularz",
                                status_code=404, broken=True, last_checked=now, consecutive_failures=2)
    ExternalLink.objects.create(page=karta, url="https://urzad.example.org/ok", text="Działa",
                                status_code=200, broken=False, last_checked=now)
    ExternalLink.objects.create(page=pesel, url="https://fundacja.example.org/zniknal", text="Zniknął",
                                error_kind="connection", error="refused", broken=True, last_checked=now)
    url = reverse("otwarta_currency:broken_links")

    client.force_login(user("urzad-editor"))
    html = client.get(url).content.decode()
    assert "https://urzad.example.org/stary" in html and "Stary formularz" in html
    assert "https://urzad.example.org/ok" not in html  # working links are not listed
    assert "zniknal" not in html  # another institution's link

    client.force_login(user("fundacja-editor"))
    html = client.get(url).content.decode()
    assert "zniknal" in html and "stary" not in html

    client.force_login(user("region"))
    rows = _csv(client.get(url, {"export": "csv"}))
    assert {r[4] for r in rows[1:]} == {"https://urzad.example.org/stary", "https://fundacja.example.org/zniknal"}
    page_titles = {r[0] for r in rows[1:]}
    assert page_titles == {KARTA_TITLE, PESEL_TITLE}
