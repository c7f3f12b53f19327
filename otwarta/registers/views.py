"""Public pages of the registers: the three registers with who is on duty now and the hotlines, and each
register's public people (with filters) and its duty rota for this week. Times are Polish local time.
Only people with consent to publication appear (``Person.objects.public()``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import rota
from .forms import PeopleFilterForm
from .models import Person, Register
from .presentation import DESCRIPTIONS, REQUEST_LABELS, card, hotline_languages, request_url


def _with_details(duties: list[rota.Duty]) -> None:
    prefetch_related_objects(list({d.person.pk: d.person for d in duties}.values()), "language_pairs", "areas")


def index(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime()
    registers = list(Register.objects.prefetch_related("hotlines"))
    duties = rota.on_duty_now(now)
    _with_details(duties)
    by_register: dict[int, list[rota.Duty]] = defaultdict(list)
    for duty in duties:
        by_register[duty.person.register_id].append(duty)
    rows = []
    for register in registers:
        on_duty = by_register.get(register.pk, [])
        rows.append({
            "register": register,
            "on_duty": [(duty, card(duty.person, register.kind)) for duty in on_duty],
            "hotlines_now": list({d.hotline.pk: d.hotline for d in on_duty if d.hotline is not None}.values()),
            "hotlines": [(h, hotline_languages(h)) for h in register.hotlines.all()],
            "request_url": request_url(register.kind),
            "request_label": REQUEST_LABELS.get(register.kind, ""),
            "description": DESCRIPTIONS.get(register.kind, ""),
        })
    return render(request, "registers/index.html", {"rows": rows, "now": now})


def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    register = get_object_or_404(Register.objects.prefetch_related("hotlines"), slug=slug)
    form = PeopleFilterForm(request.GET or None, register=register)
    people, language = form.people()
    today = timezone.localdate()
    days = rota.week(today, register)
    _with_details([d for _day, duties in days for d in duties])
    week: list[dict[str, Any]] = [
        {"date": day, "is_today": day == today,
         "duties": [(duty, card(duty.person, register.kind)) for duty in duties]}
        for day, duties in days
    ]
    context = {
        "register": register,
        "form": form,
        "filtered": form.is_bound,
        "cards": [card(person, register.kind, language) for person in people],
        "total": Person.objects.public().filter(register=register).count(),
        "week": week,
        "week_end": today + dt.timedelta(days=6),
        "hotlines": [(h, hotline_languages(h)) for h in register.hotlines.all()],
        "request_url": request_url(register.kind, language),
        "request_label": REQUEST_LABELS.get(register.kind, ""),
        "description": DESCRIPTIONS.get(register.kind, ""),
        "now": timezone.localtime(),
    }
    return render(request, "registers/register.html", context)
