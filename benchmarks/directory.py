#!/usr/bin/env python
"""Service directory and registers benchmark: how directory search with filters, the HSDS services list
and "on duty now" answer with 5,000 services (and ~200 people in the registers), compared with the same
requests at demo size measured in the same run.

    .venv/bin/python benchmarks/directory.py                      # temporary SQLite database
    .venv/bin/python benchmarks/directory.py -n 50 --services 5000 --people 200
    .venv/bin/python benchmarks/directory.py --database-url postgres://postgres@127.0.0.1:5432/otwarta_bench

It builds a throw-away database (``migrate`` + the small test portal) and bulk-inserts generated records
shaped like the demo directory (``otwarta/demo/content/directory.yaml``: its service types, categories
and towns): organisations of the test portal's institutions, locations with coordinates around the seats
of all 22 counties (Kraków weighted), addresses, services with one to three opening-hour intervals, one
or two categories, languages of the service, the location and the phone, English and Ukrainian
translations of every organisation and service, and the search index entries of the Polish services; and
for the registers ~200 people with language pairs, 2–6 weekly duty slots and a few exceptions.

First ``--demo-services`` (45) services and 17 people are generated and measured ("demo size"), then the
rest up to ``--services`` and ``--people`` are added and the same requests are measured again. Each URL is
requested once to warm up, then ``-n`` times through Django's test client (in-process, ``DEBUG`` off, every
cache a ``DummyCache``). A plain article page is measured in both phases as the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import shutil
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

# Seats of Małopolska's counties (TERYT → town, latitude, longitude of the town centre) and their weight.
COUNTY_SEATS: dict[str, tuple[str, float, float, int]] = {
    "1261": ("Kraków", 50.0614, 19.9366, 20), "1263": ("Tarnów", 50.0121, 20.9858, 5),
    "1262": ("Nowy Sącz", 49.6218, 20.6971, 5), "1201": ("Bochnia", 49.9691, 20.4303, 2),
    "1202": ("Brzesko", 49.9689, 20.6086, 2), "1203": ("Chrzanów", 50.1355, 19.4022, 2),
    "1204": ("Dąbrowa Tarnowska", 50.1747, 20.9867, 1), "1205": ("Gorlice", 49.6547, 21.1597, 2),
    "1206": ("Skawina", 49.9752, 19.8283, 3), "1207": ("Limanowa", 49.7058, 20.4225, 2),
    "1208": ("Miechów", 50.3569, 20.0323, 1), "1209": ("Myślenice", 49.8336, 19.9381, 2),
    "1210": ("Stary Sącz", 49.5633, 20.6361, 2), "1211": ("Nowy Targ", 49.4775, 20.0327, 2),
    "1212": ("Olkusz", 50.2813, 19.5650, 2), "1213": ("Oświęcim", 50.0344, 19.2098, 2),
    "1214": ("Proszowice", 50.1927, 20.2892, 1), "1215": ("Sucha Beskidzka", 49.7405, 19.5885, 1),
    "1216": ("Tuchów", 49.8950, 21.0540, 2), "1217": ("Zakopane", 49.2992, 19.9496, 2),
    "1218": ("Wadowice", 49.8833, 19.4930, 2), "1219": ("Wieliczka", 49.9871, 20.0647, 3),
}
HOURS = [  # (share in %, [(days, opens, closes)])
    (45, [("MO,TU,WE,TH,FR", "08:00", "16:00")]),
    (25, [("MO,TU,WE,TH,FR", "08:00", "12:00"), ("MO,TU,WE,TH,FR", "13:00", "18:00"), ("SA", "09:00", "13:00")]),
    (15, [("MO", "08:00", "18:00"), ("TU,WE,TH,FR", "08:00", "15:00")]),
    (10, [("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")]),
    (5, [("TU,TH", "17:30", "19:00"), ("SA", "10:00", "13:00")]),
]
LANGUAGES = ["uk", "ru", "en", "be", "ka", "vi", "ar", "de", "es"]
PAIRS = ["uk", "ru", "en", "be", "ka", "vi", "ar", "hi", "es", "fr", "de", "tr", "zh"]
SPECIALISATIONS = ["medical", "legal", "psychological", "educational", "workplace", "social", "court", "business"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", "--repetitions", type=int, default=30)
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--demo-services", type=int, default=45)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


class Generator:
    """Bulk-inserts directory records and register people; call ``add()`` several times to grow."""

    def __init__(self, seed: int = 2026) -> None:
        from django.conf import settings
        from wagtail.models import Locale

        from otwarta.demo.loader import CONTENT_DIR, read_yaml
        from otwarta.directory.models import Taxonomy, TaxonomyTerm, source_locale_id
        from otwarta.institutions.models import Area, Institution
        from otwarta.registers.models import Hotline, Register

        self.rng = random.Random(seed)
        self.data = read_yaml(CONTENT_DIR / "directory.yaml")
        self.source = source_locale_id()
        self.translations = {code: Locale.objects.get(language_code=code).pk for code in ("en", "uk")}
        self.institutions = list(Institution.objects.order_by("slug"))
        self.areas = {area.teryt: area for area in Area.objects.filter(teryt__in=COUNTY_SEATS)}
        self.counties = [teryt for teryt, seat in COUNTY_SEATS.items() for _ in range(seat[3])]
        self.types = list(self.data["service_types"].items())
        self.hours = [rows for share, rows in HOURS for _ in range(share)]
        self.services = self.organisations = self.people = 0
        taxonomy, _created = Taxonomy.objects.get_or_create(name="otwarta")
        self.terms: dict[str, Any] = {}
        for order, spec in enumerate(self.data["terms"], start=1):
            self.terms[spec["code"]], _created = TaxonomyTerm.objects.get_or_create(
                taxonomy=taxonomy, code=spec["code"], locale_id=self.source,
                defaults={"name": spec["name"]["pl"], "sort_order": order},
            )
        self.registers = []
        for order, (kind, slug) in enumerate((("interpreter", "tlumacze"), ("assistant", "asystenci"),
                                              ("mediator", "mediatorzy")), start=1):
            register, _created = Register.objects.get_or_create(kind=kind, defaults={
                "slug": slug, "institution": self.institutions[0], "coordinator_email": f"{slug}@example.org",
                "sort_order": order})
            hotline = Hotline.objects.filter(register=register).first() or Hotline.objects.create(
                register=register, number=f"+48 12 000 6{order} 00", languages="uk,ru,en")
            self.registers.append((register, hotline))
        self.language_code = settings.LANGUAGE_CODE

    def add(self, services: int, people: int) -> None:
        self.add_services(services)
        self.add_people(people)
        from django.db import connection

        if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would gather after a bulk insert
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def add_services(self, count: int) -> None:
        from django.utils import timezone
        from wagtail.search.backends import get_search_backend

        from otwarta.directory.models import (
            Address,
            Language,
            Location,
            Organization,
            Phone,
            Schedule,
            Service,
            ServiceAtLocation,
        )
        from otwarta.directory.search_document import document_for

        rng, pl, today = self.rng, self.data, timezone.localdate()
        towns = COUNTY_SEATS
        org_types = list(pl["org_types"].values())
        n_orgs = max(1, count // 4)
        organisations, locations = [], []
        for i in range(self.organisations, self.organisations + n_orgs):
            teryt = rng.choice(self.counties)
            org_type = rng.choice(org_types)
            key = uuid.uuid4()
            name = org_type["name"]["pl"].format(town=towns[teryt][0]) + f" nr {i + 1}"
            common = {"institution": rng.choice(self.institutions), "assured_date": today - dt.timedelta(
                days=rng.randint(0, 400)), "translation_key": key}
            organisations.append(Organization(locale_id=self.source, name=name,
                                              description=org_type["description"]["pl"],
                                              email=f"org{i}@example.org", **common))
            for code, locale_id in self.translations.items():
                organisations.append(Organization(
                    locale_id=locale_id, name=org_type["name"][code].format(town=towns[teryt][0]) + f" {i + 1}",
                    alternate_name=name, description=org_type["description"][code], **common))
        Organization.objects.bulk_create(organisations, batch_size=500)
        sources = [o for o in organisations if o.locale_id == self.source]
        self.organisations += n_orgs
        for org in sources:
            for _ in range(1 if rng.random() < 0.8 else 2):
                teryt = rng.choice(self.counties)
                town, lat, lng, _weight = towns[teryt]
                locations.append(Location(
                    organization=org, institution_id=org.institution_id, assured_date=org.assured_date,
                    locale_id=self.source, name=f"Siedziba, ul. Przykładowa {rng.randint(1, 120)}, {town}",
                    latitude=Decimal(str(round(lat + rng.uniform(-0.02, 0.02), 6))),
                    longitude=Decimal(str(round(lng + rng.uniform(-0.03, 0.03), 6))),
                    county=self.areas[teryt], municipality=town, wheelchair_accessible=rng.random() < 0.5,
                    closed_on_public_holidays=rng.random() < 0.9,
                ))
        Location.objects.bulk_create(locations, batch_size=500)
        Address.objects.bulk_create([
            Address(location=loc, address_1=loc.name.split(", ")[1], city=loc.municipality, postal_code="30-000")
            for loc in locations], batch_size=1000)
        by_org: dict[int, list[Any]] = {}
        for loc in locations:
            by_org.setdefault(loc.organization_id, []).append(loc)
        rows, translated, specs = [], [], []
        for i in range(self.services, self.services + count):
            org = rng.choice(sources)
            _slug, spec = rng.choice(self.types)
            specs.append(spec)
            town = by_org[org.pk][0].municipality
            key = uuid.uuid4()
            free = bool(spec.get("free", False))
            common = {"organization": org, "institution_id": org.institution_id,
                      "assured_date": org.assured_date, "slug": f"bench-{i:05d}", "translation_key": key,
                      "free_of_charge": free}
            phrase = pl["phrases"]
            rows.append(Service(locale_id=self.source, name=f"{spec['name']['pl']} – {town}",
                                description=spec["description"]["pl"],
                                eligibility_description=phrase[spec["eligibility"]]["pl"],
                                application_process=phrase[spec["apply"]]["pl"], **common))
            for code, locale_id in self.translations.items():
                translated.append(Service(locale_id=locale_id, name=f"{spec['name'][code]} – {town}",
                                          description=spec["description"][code],
                                          eligibility_description=phrase[spec["eligibility"]][code],
                                          application_process=phrase[spec["apply"]][code], **common))
        languages_of = {self.source: "pl", **{locale_id: code for code, locale_id in self.translations.items()}}
        for row in rows + translated:  # what Service.save() stores; bulk_create does not call save()
            row.search_document = document_for(
                [row.name, row.description, row.eligibility_description, row.organization.name],
                languages_of[row.locale_id])
        Service.objects.bulk_create(rows + translated, batch_size=500)
        self.services += count
        sals, schedules, languages, phones, term_links = [], [], [], [], []
        through = Service.taxonomy_terms.through
        for service, spec in zip(rows, specs, strict=True):
            for loc in by_org[service.organization_id][: rng.choice((1, 1, 1, 2))]:
                sals.append(ServiceAtLocation(service=service, location=loc))
            for days, opens, closes in rng.choice(self.hours):
                schedules.append(Schedule(service=service, byday=days, opens_at=dt.time.fromisoformat(opens),
                                          closes_at=dt.time.fromisoformat(closes)))
            for code in ["pl", *rng.sample(LANGUAGES, rng.randint(0, 3))]:
                languages.append(Language(service=service, code=code))
            phones.append(Phone(service=service, number=f"+48 12 000 {rng.randint(10, 99)} {rng.randint(10, 99)}"))
            for code in spec["terms"]:
                term_links.append(through(service_id=service.pk, taxonomyterm_id=self.terms[code].pk))
        ServiceAtLocation.objects.bulk_create(sals, batch_size=1000)
        Schedule.objects.bulk_create(schedules, batch_size=1000)
        Phone.objects.bulk_create(phones, batch_size=1000)
        for phone in phones:
            if rng.random() < 0.5:
                languages.append(Language(phone=phone, code=rng.choice(LANGUAGES)))
        for loc in locations:
            if rng.random() < 0.3:
                languages.append(Language(location=loc, code=rng.choice(LANGUAGES)))
        Language.objects.bulk_create(languages, batch_size=1000)
        through.objects.bulk_create(term_links, batch_size=1000)
        backend = get_search_backend()
        backend.add_bulk(Service, rows + translated)

    def add_people(self, count: int) -> None:
        from django.utils import timezone

        from otwarta.registers.models import DutyException, DutySlot, LanguagePair, Person

        rng, now = self.rng, timezone.now()
        people = []
        for i in range(self.people, self.people + count):
            register, _hotline = self.registers[i % 3]
            sworn = register.kind == "interpreter" and rng.random() < 0.3
            people.append(Person(register=register, display_name=f"Osoba Przykładowa {i + 1:03d}",
                                 email=f"person{i}@example.org", specialisations=rng.sample(SPECIALISATIONS, 2),
                                 sworn_translator=sworn, sworn_number=f"TP/{i:04d}/24" if sworn else "",
                                 work_mode=rng.choice(["remote", "on_site", "both"]),
                                 consent_given_at=now - dt.timedelta(days=30), is_published=rng.random() < 0.95))
        Person.objects.bulk_create(people, batch_size=500)
        self.people += count
        pairs, slots, exceptions = [], [], []
        hotlines = {register.pk: hotline for register, hotline in self.registers}
        today = timezone.localdate()
        for person in people:
            for code in rng.sample(PAIRS, rng.randint(1, 3)):
                pairs.append(LanguagePair(person=person, source="pl", target=code))
            for weekday in rng.sample(range(7), rng.randint(2, 6)):
                start = rng.choice((7, 8, 9, 12, 14, 16, 20))
                end = (start + rng.choice((4, 6, 8))) % 24
                slots.append(DutySlot(person=person, weekday=weekday, starts_at=dt.time(start),
                                      ends_at=dt.time(end), hotline=hotlines[person.register_id]
                                      if rng.random() < 0.5 else None))
            if rng.random() < 0.15:
                exceptions.append(DutyException(person=person, date=today + dt.timedelta(days=rng.randint(0, 6))))
        LanguagePair.objects.bulk_create(pairs, batch_size=1000)
        DutySlot.objects.bulk_create(slots, batch_size=1000)
        DutyException.objects.bulk_create(exceptions, batch_size=1000)


def timed(action: Callable[[], Any], repetitions: int) -> tuple[float, float]:
    action()  # warm-up
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def measure(client: Any, cases: list[tuple[str, str]], repetitions: int) -> dict[str, tuple[float, float, int]]:
    from django.db import connection

    results = {}
    for label, url in cases:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries: list[str] = []

        def count(execute, sql, *rest, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(count):
            client.get(url)
        med, p95 = timed(functools.partial(client.get, url), repetitions)
        results[label] = (med, p95, len(queries))
    return results


def main() -> int:
    args = parse_args()
    from render_pages import configure_environment

    tmp = configure_environment(args)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from otwarta.core.testing import build_test_portal

    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        ALLOWED_HOSTS=["*"],
        STORAGES={**settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ).enable()
    setup_test_environment()
    try:
        call_command("migrate", interactive=False, verbosity=0)
        build_test_portal()
        generator = Generator()
        started = time.perf_counter()
        demo_people = min(17, args.people)
        generator.add(args.demo_services, demo_people)
        print(f"demo size: {args.demo_services} services, {demo_people} people "
              f"generated in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        from otwarta.directory.models import TaxonomyTerm

        health = TaxonomyTerm.objects.get(code="health", locale__language_code="pl", taxonomy__name="otwarta")
        filtered = (f"/pl/uslugi/?q=lekarz&category={health.translation_key}&language=uk&open_now=1"
                    f"&county=1261")
        cases = [
            ("directory search, no filters (page 1)", "/pl/uslugi/"),
            ("directory search, text + 4 filters", filtered),
            ("directory search, county + language", "/pl/uslugi/?county=1261&language=uk"),
            ("HSDS /api/hsds/services?per_page=50", "/api/hsds/services?per_page=50"),
            ("HSDS services, search + page 3", "/api/hsds/services?per_page=50&page=3&search=pomoc"),
            ("on duty now /pl/tlumacze/", "/pl/tlumacze/"),
            ("register + this week's rota", "/pl/tlumacze/tlumacze/"),
            ("baseline: article page", "/pl/instytucje/urzad/karta-pobytu/"),
        ]
        client = Client()
        small = measure(client, cases, args.repetitions)
        started = time.perf_counter()
        generator.add(args.services - args.demo_services, args.people - demo_people)
        print(f"full size: {args.services} services ({generator.organisations} organisations), "
              f"{args.people} people generated in {time.perf_counter() - started:.1f} s")
        large = measure(client, cases, args.repetitions)
        base = large["baseline: article page"][0]
        header = (f"{'request':40} {'demo med':>9} {'demo p95':>9} {'full med':>8} {'full p95':>8} "
                  f"{'full/demo':>9} {'×article':>8} {'SQL':>4}")
        print(f"\nmilliseconds, {args.repetitions} runs each after a warm-up ({connection.vendor}); "
              f"demo = {args.demo_services} services / {demo_people} people, full = {args.services} / {args.people}")
        print(header)
        print("-" * len(header))
        for label, _url in cases:
            s_med, s_p95, _q = small[label]
            l_med, l_p95, queries = large[label]
            print(f"{label:40} {s_med:9.1f} {s_p95:9.1f} {l_med:8.1f} {l_p95:8.1f} {l_med / s_med:9.2f} "
                  f"{l_med / base:8.2f} {queries:4d}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
