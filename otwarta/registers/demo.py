"""Demonstration registers (``otwarta/demo/content/registers.yaml``), loaded by the demo loader after the
institutions (only when the content set has the file: the small test portal has none).

File format::

    registers:                       # the three registers
      - kind: interpreter            # RegisterKind value
        slug: tlumacze
        institution: umwm            # coordinating institution (slug)
        coordinator_name: …
        coordinator_email: …@example.org
        hotlines: [{key: main, number: "+48 12 000 …", languages: "uk,ru,en", hours: "pon.–pt. 8:00–20:00"}]
    people:
      - key: olena                   # stable identity of the demo profile
        name: Olena Przykładowa      # fictional names (the surnames mean "example", "model", "test"…)
        register: interpreter
        pairs: [uk, ru]              # Polish ↔ each language
        specialisations: [medical]   # Specialisation values
        sworn: "TP/…"                # number on the list of sworn translators (demo), optional
        mode: both                   # WorkMode value
        areas: ["1261"]              # TERYT codes served on site; empty: the whole region
        public_phone: "…"            # optional
        consent: true                # false: a profile waiting for consent (not public)
        slots: [[0, "08:00", "14:00", main]]      # weekday (0 = Monday), from, until, hotline key (optional)
        exceptions: [{in_days: 1, kind: absent}]  # date = today + in_days; optional from/until, note

Idempotent: a person's id is derived from ``key``; an existing profile (with its pairs, rota and
exceptions) is left as it is. Contact details are on example.org and the unassigned "000" exchange.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from otwarta.institutions.models import Area, Institution

from .models import DutyException, DutySlot, Hotline, LanguagePair, Person, Register

KEY_NAMESPACE = uuid.UUID("0b8e7c1e-5d4a-4c55-8f7e-3a9e6d2c1b40")


def person_id(key: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"otwarta-demo:person:{key}")


@transaction.atomic
def load_registers(loader: Any, data: dict[str, Any]) -> None:
    report = loader.report
    registers: dict[str, Register] = {}
    hotlines: dict[tuple[str, str], Hotline] = {}
    for order, spec in enumerate(data["registers"], start=1):
        register = Register.objects.filter(kind=spec["kind"]).first()
        if register is None:
            register = Register.objects.create(
                kind=spec["kind"], slug=spec["slug"], institution=Institution.objects.get(slug=spec["institution"]),
                coordinator_name=spec.get("coordinator_name", ""), coordinator_email=spec["coordinator_email"],
                sort_order=order,
            )
            report.created.append(f"register {spec['slug']}")
        registers[spec["kind"]] = register
        for line_order, line in enumerate(spec.get("hotlines", []), start=1):
            hotline = Hotline.objects.filter(register=register, number=line["number"]).first()
            if hotline is None:
                hotline = Hotline.objects.create(register=register, number=line["number"],
                                                 languages=line.get("languages", ""), hours=line.get("hours", ""),
                                                 sort_order=line_order)
                report.created.append(f"hotline {line['number']}")
            hotlines[(spec["kind"], line["key"])] = hotline
    today = timezone.localdate()
    for spec in data["people"]:
        pk = person_id(spec["key"])
        if Person.objects.filter(pk=pk).exists():
            continue
        consent = spec.get("consent", True)
        person = Person.objects.create(
            id=pk, register=registers[spec["register"]], display_name=spec["name"],
            email=f"{spec['key']}@example.org", phone=spec.get("phone", ""),
            public_phone=spec.get("public_phone", ""), specialisations=spec.get("specialisations", []),
            sworn_translator=bool(spec.get("sworn")), sworn_number=spec.get("sworn", "") or "",
            work_mode=spec.get("mode", "both"),
            consent_given_at=timezone.now() - dt.timedelta(days=int(spec.get("consent_days_ago", 30)))
            if consent else None,
            consent_note="Pisemna zgoda na publikację profilu (dane demonstracyjne)." if consent else "",
            is_published=consent,
        )
        person.full_clean()
        person.areas.set(Area.objects.filter(teryt__in=[str(code) for code in spec.get("areas", [])]))
        for code in spec["pairs"]:
            LanguagePair.objects.create(person=person, source="pl", target=code, both_directions=True)
        for slot in spec.get("slots", []):
            weekday, starts, ends, *rest = slot
            DutySlot.objects.create(
                person=person, weekday=int(weekday), starts_at=dt.time.fromisoformat(starts),
                ends_at=dt.time.fromisoformat(ends), mode=spec.get("slot_mode", "remote"),
                hotline=hotlines[(spec["register"], rest[0])] if rest else None,
            )
        for exception in spec.get("exceptions", []):
            DutyException.objects.create(
                person=person, date=today + dt.timedelta(days=int(exception["in_days"])),
                kind=exception.get("kind", "absent"),
                starts_at=dt.time.fromisoformat(exception["from"]) if exception.get("from") else None,
                ends_at=dt.time.fromisoformat(exception["until"]) if exception.get("until") else None,
                mode=exception.get("mode", "remote"), note=exception.get("note", ""),
            )
        report.created.append(f"person {spec['key']}")
