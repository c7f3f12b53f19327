"""The demo registers (otwarta/demo/content/registers.yaml) load, meet the issue's minimums, cover the
working day with duties, and a second load creates nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from otwarta.demo.loader import CONTENT_DIR, DemoLoader, read_yaml
from otwarta.registers import rota
from otwarta.registers.demo import load_registers
from otwarta.registers.models import DutyException, DutySlot, Hotline, LanguagePair, Person, Register

DATA = read_yaml(CONTENT_DIR / "registers.yaml")
WARSAW = ZoneInfo("Europe/Warsaw")


def load() -> DemoLoader:
    loader = DemoLoader(content_dir=CONTENT_DIR)
    loader.load_institutions()
    load_registers(loader, DATA)
    return loader


@pytest.mark.django_db
def test_demo_registers_load_and_are_idempotent(portal):
    loader = load()
    assert Register.objects.count() == 3
    assert all(r.coordinator_email.endswith("@example.org") for r in Register.objects.all())
    assert Hotline.objects.count() >= 3
    public = Person.objects.public()
    assert public.count() >= 15
    assert Person.objects.filter(consent_given_at__isnull=True, is_published=False).exists()  # awaiting consent
    assert all(p.email.endswith("@example.org") for p in Person.objects.all())
    targets = set(LanguagePair.objects.values_list("target", flat=True))
    assert {"uk", "ru", "en", "be", "ka", "vi", "ar", "hi", "es", "fr"} <= targets
    assert public.filter(sworn_translator=True).exclude(sworn_number="").count() >= 3
    assert {s for p in public for s in p.specialisations} >= {"medical", "legal", "psychological", "educational",
                                                             "workplace"}
    assert DutySlot.objects.filter(weekday__in=[5, 6]).exists()  # weekends
    assert DutySlot.objects.filter(starts_at__gte=dt.time(16)).exists()  # evenings
    assert DutyException.objects.filter(kind="absent").exists() and DutyException.objects.filter(kind="extra").exists()

    # somebody is on duty at any daytime hour of a working week (next week, away from the exceptions)
    monday = dt.date.today() + dt.timedelta(days=14 - dt.date.today().weekday())
    for day in range(5):
        for hour in (8, 11, 15, 19):
            moment = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, 30), tzinfo=WARSAW)
            assert rota.on_duty_now(moment), moment
    saturday_noon = dt.datetime.combine(monday + dt.timedelta(days=5), dt.time(12), tzinfo=WARSAW)
    assert rota.on_duty_now(saturday_noon)

    before = (Person.objects.count(), DutySlot.objects.count(), LanguagePair.objects.count(), Hotline.objects.count())
    again = load()
    assert [item for item in again.report.created if not item.startswith("institution")] == []
    assert (Person.objects.count(), DutySlot.objects.count(), LanguagePair.objects.count(),
            Hotline.objects.count()) == before
    assert loader.report.created
