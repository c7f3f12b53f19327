"""Machine translation for an institution, within its monthly character budget."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from otwarta.institutions.models import Institution

from .backends import Backend, Format, available_backend
from .conf import default_monthly_characters
from .exceptions import BudgetExceeded, MachineTranslationError, NotConfigured
from .glossary import Glossary
from .models import CharacterUsage, MachineTranslationBudget


def current_month(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def monthly_limit(institution: Institution) -> int:
    budget = MachineTranslationBudget.objects.filter(institution=institution).only("monthly_characters").first()
    if budget is not None:
        return budget.monthly_characters
    return default_monthly_characters()


def characters_used(institution: Institution, month: datetime.date | None = None) -> int:
    usage = CharacterUsage.objects.filter(institution=institution, month=month or current_month()).first()
    return usage.characters if usage else 0


@dataclass(frozen=True)
class BudgetStatus:
    limit: int
    used: int
    renews_on: datetime.date

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


def budget_status(institution: Institution) -> BudgetStatus:
    month = current_month()
    return BudgetStatus(monthly_limit(institution), characters_used(institution, month), next_month(month))


def count_characters(texts: list[str]) -> int:
    """Characters billed: those of the source text as the editor wrote it (markup included, as the
    services count it)."""
    return sum(len(text) for text in texts)


def reserve_characters(institution: Institution, characters: int) -> datetime.date:
    """Add ``characters`` to this month's usage, or raise :class:`BudgetExceeded` when they do not fit.
    The check and the increment are one conditional UPDATE, so concurrent requests cannot overspend."""
    month = current_month()
    limit = monthly_limit(institution)
    with transaction.atomic():
        usage, _created = CharacterUsage.objects.select_for_update().get_or_create(institution=institution, month=month)
        updated = CharacterUsage.objects.filter(pk=usage.pk, characters__lte=limit - characters).update(
            characters=F("characters") + characters
        )
    if not updated:
        used = characters_used(institution, month)
        raise budget_exceeded(institution, used, limit, characters, next_month(month))
    return month


def release_characters(institution: Institution, month: datetime.date, characters: int) -> None:
    """Give back characters reserved for a request the service did not carry out."""
    CharacterUsage.objects.filter(institution=institution, month=month, characters__gte=characters).update(
        characters=F("characters") - characters
    )


def budget_exceeded(institution: Institution, used: int, limit: int, needed: int,
                    renews_on: datetime.date) -> BudgetExceeded:
    params = {
        "institution": institution.display_name,
        "used": formats.number_format(used, force_grouping=True),
        "limit": formats.number_format(limit, force_grouping=True),
        "needed": formats.number_format(needed, force_grouping=True),
        "remaining": formats.number_format(max(limit - used, 0), force_grouping=True),
        "date": formats.date_format(renews_on, "DATE_FORMAT"),
    }
    if used >= limit:
        message = _(
            "This month's machine translation allowance for %(institution)s is used up "
            "(%(used)s of %(limit)s characters). It renews on %(date)s."
        ) % params
    else:
        message = _(
            "This text has %(needed)s characters, but only %(remaining)s of this month's %(limit)s characters "
            "of machine translation are left for %(institution)s. Translate a shorter part, or wait until the "
            "allowance renews on %(date)s."
        ) % params
    return BudgetExceeded(message, detail=f"{institution.pk}: used {used}, limit {limit}, needed {needed}")


def translate_for_institution(
    institution: Institution, texts: list[str], source: str, target: str, fmt: Format = "html",
    backend: Backend | None = None, glossary: Glossary | None = None,
) -> list[str]:
    """Machine-translate ``texts`` for ``institution``, counting the characters against its monthly
    budget. Raises :class:`NotConfigured` when no service translates the pair, :class:`BudgetExceeded`
    when the texts do not fit in what is left this month, and the backend's errors otherwise (the
    characters of a failed request are given back)."""
    backend = backend or available_backend(source, target)
    if backend is None:
        raise NotConfigured(detail=f"{source}->{target}")
    characters = count_characters(texts)
    if characters == 0:
        return list(texts)
    month = reserve_characters(institution, characters)
    try:
        return backend.translate(texts, source, target, fmt, glossary=glossary)
    except MachineTranslationError:
        release_characters(institution, month, characters)
        raise
