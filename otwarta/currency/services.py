"""Which pages need checking, and marking a page as checked.

Review state in the database
----------------------------
An article is due on ``last_reviewed_at + review_interval_days``. :func:`annotate_review` adds that date
(``due_on``) and the state (``review_status``: current, due soon, overdue, stale) to a queryset as
SQL expressions, with the same boundaries as :meth:`ArticlePage.review_state` (the reader-facing
property): due soon from ``OTWARTA_REVIEW_DUE_SOON_DAYS`` before the date, overdue the day after it,
stale more than ``OTWARTA_REVIEW_GRACE_DAYS`` after it. Lists filter and sort on those expressions, so
one query serves a whole dashboard whatever the number of pages.

Source pages and translations
-----------------------------
Lists show one row per article: the page in the source locale (Polish; or, for an article that has no
Polish page, its own page), with the language codes of the translations that exist (one more query
for the whole list, see :func:`attach_translations`).

``last_reviewed_at`` and ``review_interval_days`` are not text, so wagtail-localize treats them as
*synchronised* fields (``wagtail_localize.fields.get_translatable_fields``: a DateField or an
IntegerField becomes a ``SynchronizedField``): each time a translation is created or updated from its
source (``TranslationSource.create_or_update_translation`` → ``copy_synchronised_fields``) it takes the
source's dates. A translation therefore says "checked on" the date of the source it was made from,
which is right: its text is as current as that source. Marking an article as checked changes no text,
so :func:`mark_checked` sets the date on the source and on every translation at once (otherwise the
translations would keep the old date until their next synchronisation). The tests check both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale, Page, Revision

from otwarta.institutions.models import Institution
from otwarta.institutions.services import institutions_for_user
from otwarta.portal.models import ArticlePage, ReviewState

MARK_CHECKED_ACTION = "otwarta_currency.mark_checked"
ATTENTION_STATES = (ReviewState.DUE_SOON, ReviewState.OVERDUE, ReviewState.STALE)


class AddDays(Func):
    """``date + n days`` for a date expression and an integer expression, as a date, in SQL."""

    arity = 2
    output_field = DateField()

    def _operands(self, compiler: Any) -> tuple[str, str, tuple[Any, ...]]:
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        days_sql, days_params = compiler.compile(self.source_expressions[1])
        return date_sql, days_sql, (*date_params, *days_params)

    def as_sql(self, compiler: Any, connection: Any, function: str | None = None, template: str | None = None,
               arg_joiner: str | None = None, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        # PostgreSQL (and Oracle): date + integer is a date.
        date_sql, days_sql, params = self._operands(compiler)
        return f"({date_sql} + {days_sql})", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        date_sql, days_sql, params = self._operands(compiler)
        return f"date({date_sql}, '+' || {days_sql} || ' days')", params

    def as_mysql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        date_sql, days_sql, params = self._operands(compiler)
        return f"DATE_ADD({date_sql}, INTERVAL {days_sql} DAY)", params


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def annotate_review(queryset: QuerySet[ArticlePage], today: dt.date | None = None) -> QuerySet[ArticlePage]:
    """Add ``due_on`` (date) and ``review_status`` (a :class:`ReviewState` value) in SQL. (Not named
    like the model's ``review_due_on`` property and ``review_state()`` method, which they mirror.)"""
    today = _today(today)
    stale_before = today - dt.timedelta(days=settings.OTWARTA_REVIEW_GRACE_DAYS)
    soon_until = today + dt.timedelta(days=settings.OTWARTA_REVIEW_DUE_SOON_DAYS)
    return queryset.annotate(
        due_on=AddDays("last_reviewed_at", "review_interval_days"),
    ).annotate(
        review_status=Case(
            When(due_on__lt=stale_before, then=Value(ReviewState.STALE.value)),
            When(due_on__lt=today, then=Value(ReviewState.OVERDUE.value)),
            When(due_on__lte=soon_until, then=Value(ReviewState.DUE_SOON.value)),
            default=Value(ReviewState.CURRENT.value),
            output_field=CharField(),
        ),
    )


def source_locale() -> Locale | None:
    return Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()


def source_articles() -> QuerySet[ArticlePage]:
    """Live articles, one per translation group: the source-locale page; or, for a group whose
    source-locale page is missing or not published, its live pages (readers see them, so they are
    checked on their own)."""
    locale = source_locale()
    live = ArticlePage.objects.live()
    if locale is None:
        return live
    has_source = ArticlePage.objects.live().filter(translation_key=OuterRef("translation_key"), locale=locale)
    return live.filter(Q(locale=locale) | ~Exists(has_source))


def review_queryset(
    *,
    user: Any = None,
    institutions: Iterable[Institution] | None = None,
    states: Sequence[str] | None = ATTENTION_STATES,
    today: dt.date | None = None,
) -> QuerySet[ArticlePage]:
    """Source articles of ``user``'s institutions (or of ``institutions``) whose review state is one of
    ``states`` (``None``: any state), most urgent first (earliest due date first)."""
    queryset = source_articles()
    if user is not None:
        queryset = queryset.filter(institution__in=institutions_for_user(user))
    if institutions is not None:
        queryset = queryset.filter(institution__in=list(institutions))
    other_translations = (
        Page.objects.filter(translation_key=OuterRef("translation_key")).exclude(pk=OuterRef("pk"))
        .order_by().values("translation_key").annotate(n=Count("pk")).values("n")
    )
    queryset = annotate_review(queryset, today).annotate(
        translation_count=Coalesce(Subquery(other_translations, output_field=IntegerField()), 0)
    )
    if states is not None:
        queryset = queryset.filter(review_status__in=[str(s) for s in states])
    # annotations (due_on, review_status) are passed by name: the type checker sees model fields only
    return queryset.select_related("institution", "locale").order_by(*["due_on", "title", "pk"])


def pages_to_check(user: Any, today: dt.date | None = None) -> QuerySet[ArticlePage]:
    """The articles a user is responsible for that are due soon, overdue or stale."""
    return review_queryset(user=user, today=today)


def institution_pages_to_check(institution: Institution, today: dt.date | None = None) -> QuerySet[ArticlePage]:
    return review_queryset(institutions=[institution], today=today)


def attach_translations(pages: Iterable[ArticlePage]) -> list[ArticlePage]:
    """Set ``translation_codes`` (sorted language codes of the other locales' pages) on each page, with
    one query for all of them."""
    pages = list(pages)
    keys = {page.translation_key for page in pages}
    codes: dict[Any, list[tuple[str, int]]] = defaultdict(list)
    rows = (
        Page.objects.filter(translation_key__in=keys)
        .values_list("translation_key", "locale__language_code", "pk")
        .order_by("locale__language_code")
    )
    for key, code, pk in rows:
        codes[key].append((code, pk))
    for page in pages:
        page.translation_codes = [code for code, pk in codes[page.translation_key] if pk != page.pk]  # type: ignore[attr-defined]
    return pages


# --- marking as checked ---------------------------------------------------------------------------


def can_mark_checked(page: Page, user: Any) -> bool:
    """Whoever may edit the page (and is not locked out of it) may confirm it is still correct."""
    if not isinstance(page.specific_deferred, ArticlePage):
        return False
    permissions = page.permissions_for_user(user)
    return bool(permissions.can_edit()) and not permissions.page_locked()


def _set_in_revisions(page: ArticlePage, today: dt.date) -> None:
    """Write the new date into the page's latest and live revisions, so that the next edit (which
    starts from the latest revision) or a re-publish of the live revision keeps it. Nothing else in
    the revisions changes."""
    revision_ids = {rid for rid in (page.latest_revision_id, page.live_revision_id) if rid}
    for revision in Revision.objects.filter(pk__in=revision_ids):
        if isinstance(revision.content, dict) and "last_reviewed_at" in revision.content:
            revision.content["last_reviewed_at"] = today.isoformat()
            revision.save(update_fields=["content"])


@transaction.atomic
def mark_checked(page: Page, user: Any, today: dt.date | None = None) -> list[ArticlePage]:
    """Record that ``user`` checked ``page`` today: set ``last_reviewed_at`` on it and on its
    translations that the user may edit, keep their revisions in step and write an audit log entry per
    page. The text is not changed, so nothing goes through moderation. Returns the pages updated."""
    if not can_mark_checked(page, user):
        raise PermissionDenied
    today = _today(today)
    group = list(ArticlePage.objects.filter(translation_key=page.translation_key).select_related("locale"))
    updated = []
    for article in group:
        if article.pk != page.pk and not can_mark_checked(article, user):
            continue
        previous = article.last_reviewed_at
        ArticlePage.objects.filter(pk=article.pk).update(last_reviewed_at=today)
        _set_in_revisions(article, today)
        article.last_reviewed_at = today
        log(
            instance=article,
            action=MARK_CHECKED_ACTION,
            user=user,
            data={"previous": previous.isoformat() if previous else None, "checked_on": today.isoformat()},
            content_changed=False,
        )
        updated.append(article)
    return updated


def translation_count(page: Page) -> int:
    return Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).count()
