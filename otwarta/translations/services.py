"""Translation status: record what happens to sources and translations, and compute the status of every
(source object, target locale) pair with database queries.

Status of a translation, first match wins (docs/translation-status.md):

1. **missing** — no object in the target locale;
2. **in progress** — the translation exists but is not live (a draft not yet published);
3. **outdated** — the source changed significantly after the translation was last brought up to date
   (synced or reviewed);
4. **reviewed** — a reviewer confirmed it after its last sync;
5. **machine** — machine-translated and not reviewed;
6. **translated** — translated by a person, not reviewed.

When there is no record yet (content that predates the records, or created outside the editor) the
source's ``last_published_at`` stands for its last significant change and the translation's
``last_published_at`` for its last sync, so the status is right from the first deployment on.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from wagtail.models import Locale, Page, TranslatableMixin

from .models import Origin, SourceVersion, TranslationRecord, TranslationStatus
from .registry import Tracked, base_model, tracked_for, tracked_models

S = TranslationStatus


# --- locales -------------------------------------------------------------------------------------------
def source_locale() -> Locale:
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def target_locales() -> list[Locale]:
    """Every configured locale except the source, in the order of settings.LANGUAGES."""
    order = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    found = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=order)}
    return [found[code] for code in order if code in found]


# --- records -------------------------------------------------------------------------------------------
def content_type_for(model: type[models.Model]) -> ContentType:
    return ContentType.objects.get_for_model(base_model(model))


def _key_of(instance: models.Model) -> tuple[ContentType, uuid.UUID]:
    return content_type_for(type(instance)), instance.translation_key  # type: ignore[attr-defined]


def is_source(instance: models.Model) -> bool:
    return instance.locale.language_code == settings.LANGUAGE_CODE  # type: ignore[attr-defined]


NOTICE_CACHE_SECONDS = 3600


def notice_cache_key(translation_key: uuid.UUID, locale_id: int) -> str:
    return f"otwarta-translation-status:{translation_key}:{locale_id}"


def forget_cached_statuses(translation_key: uuid.UUID) -> None:
    """Drop the cached statuses the readers' notices use (see templatetags/translation_notices.py)."""
    cache.delete_many([notice_cache_key(translation_key, pk) for pk in Locale.objects.values_list("pk", flat=True)])


def record_source_change(instance: models.Model, at: dt.datetime | None = None) -> None:
    """The Polish ``instance`` changed significantly: its translations synced before ``at`` are outdated."""
    content_type, key = _key_of(instance)
    forget_cached_statuses(key)
    SourceVersion.objects.update_or_create(
        content_type=content_type, translation_key=key, defaults={"significant_change_at": at or timezone.now()}
    )


def record_sync(instance: models.Model, origin: str = Origin.HUMAN, user: Any = None,
                at: dt.datetime | None = None) -> TranslationRecord:
    """The translated ``instance`` was brought up to date with its source (by a person or a machine). A
    review made before no longer applies."""
    content_type, key = _key_of(instance)
    record, _created = TranslationRecord.objects.update_or_create(
        content_type=content_type, translation_key=key, locale_id=instance.locale_id,  # type: ignore[attr-defined]
        defaults={"origin": origin, "synced_at": at or timezone.now(), "synced_by": _user_or_none(user),
                  "reviewed_at": None, "reviewed_by": None},
    )
    return record


def mark_reviewed(instance: models.Model, user: Any, at: dt.datetime | None = None) -> TranslationRecord:
    """A reviewer confirmed that the translated ``instance`` says what the current source says."""
    content_type, key = _key_of(instance)
    forget_cached_statuses(key)
    now = at or timezone.now()
    with transaction.atomic():
        record, created = TranslationRecord.objects.select_for_update().get_or_create(
            content_type=content_type, translation_key=key, locale_id=instance.locale_id,  # type: ignore[attr-defined]
            defaults={"synced_at": now},
        )
        # Confirming it says what the source says now also brings it up to date.
        record.reviewed_at = record.synced_at = now
        record.reviewed_by = _user_or_none(user)
        record.save(update_fields=["reviewed_at", "reviewed_by", "synced_at"])
    return record


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- status in SQL ------------------------------------------------------------------------------------
# One SQL statement computes the status of every (source object, target locale) pair: the source rows
# CROSS JOIN the target locales, LEFT JOIN the translation (same translation_key, that locale), its record
# and the source's version — all on unique indexes. Written as SQL because the ORM cannot join a model to
# itself or to the records on a non-foreign-key column (translation_key); correlated subqueries per fact
# were 4× slower (docs/translation-status.md, benchmarks/translation_dashboard.py).

def _pairs_sql(tracked: Tracked, locales: Iterable[Locale], institution: Any = None,
               translation_key: uuid.UUID | None = None) -> tuple[str, list[Any]]:
    model = tracked.model
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    title_field: Any = model._meta.get_field(tracked.title_field)
    title = qn(title_field.column)
    content_type_id = content_type_for(model).pk
    locale_ids = [locale.pk for locale in locales] or [0]
    if tracked.has_live:
        source_changed = "COALESCE(v.significant_change_at, s.last_published_at)"
        target_synced = "COALESCE(r.synced_at, t.last_published_at)"
        not_live = "WHEN NOT t.live THEN 'in_progress' "
    else:
        source_changed, target_synced, not_live = "v.significant_change_at", "r.synced_at", ""
    status = (
        "CASE WHEN t.id IS NULL THEN 'missing' " + not_live
        + f"WHEN {source_changed} IS NOT NULL AND ({target_synced} IS NULL OR {source_changed} > {target_synced}) "
        "THEN 'outdated' "
        "WHEN r.reviewed_at IS NOT NULL THEN 'reviewed' "
        "WHEN r.origin = 'machine' THEN 'machine' "
        "ELSE 'translated' END"
    )
    placeholders = ", ".join(["%s"] * len(locale_ids))
    # Identifiers come from model metadata (quoted), every value is a parameter.
    sql = (
        f"SELECT s.id AS source_id, s.{title} AS title, l.id AS locale_id, l.language_code AS locale_code, "  # noqa: S608
        f"{status} AS status, t.id AS target_id, {content_type_id} AS content_type_id, "
        "s.translation_key AS translation_key "
        f"FROM {table} s CROSS JOIN {qn(Locale._meta.db_table)} l "
        f"LEFT JOIN {table} t ON t.translation_key = s.translation_key AND t.locale_id = l.id "
        f"LEFT JOIN {qn(TranslationRecord._meta.db_table)} r ON r.content_type_id = %s "
        "AND r.translation_key = s.translation_key AND r.locale_id = l.id "
        f"LEFT JOIN {qn(SourceVersion._meta.db_table)} v ON v.content_type_id = %s "
        "AND v.translation_key = s.translation_key "
        f"WHERE s.locale_id = (SELECT id FROM {qn(Locale._meta.db_table)} WHERE language_code = %s) "
        f"AND l.id IN ({placeholders}) AND l.id <> s.locale_id"
    )
    params: list[Any] = [content_type_id, content_type_id, settings.LANGUAGE_CODE, *locale_ids]
    if tracked.is_page:
        sql += " AND s.depth > 1"
    if translation_key is not None:
        sql += " AND s.translation_key = %s"
        key_field: Any = model._meta.get_field("translation_key")
        params.append(key_field.get_db_prep_value(translation_key, connection))
    if institution is not None:
        condition, extra = _institution_condition(tracked, institution)
        sql += f" AND {condition}"
        params.extend(extra)
    return sql, params


def _institution_condition(tracked: Tracked, institution: Any) -> tuple[str, list[Any]]:
    """Pages: inside the institution's section(s); snippets: their institution field."""
    if tracked.is_page:
        from otwarta.portal.models import InstitutionPage

        paths = list(InstitutionPage.objects.filter(
            institution=institution, locale__language_code=settings.LANGUAGE_CODE
        ).values_list("path", flat=True))
        if not paths:
            return "1 = 0", []
        return "(" + " OR ".join(["s.path LIKE %s"] * len(paths)) + ")", [f"{path}%" for path in paths]
    if tracked.institution_field is None:
        return "1 = 0", []
    field: Any = tracked.model._meta.get_field(tracked.institution_field)
    column = connection.ops.quote_name(field.column)
    return f"s.{column} = %s", [institution.pk]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def status_counts(locales: Iterable[Locale] | None = None, institution: Any = None,
                  trackeds: Iterable[Tracked] | None = None) -> dict[str, dict[str, int]]:
    """{locale code: {status: count}} over every tracked model: one grouped query per model."""
    locales = list(locales) if locales is not None else target_locales()
    counts = {locale.language_code: dict.fromkeys(S.values, 0) for locale in locales}
    for tracked in trackeds if trackeds is not None else tracked_models():
        sql, params = _pairs_sql(tracked, locales, institution)
        for code, status, n in _fetch(
            f"SELECT q.locale_code, q.status, COUNT(*) FROM ({sql}) q GROUP BY q.locale_code, q.status",  # noqa: S608
            params,
        ):
            counts[code][status] += n
    return counts


class StatusRows:
    """The (source object, locale) pairs as a sliceable sequence for Django's Paginator: ``len()`` comes
    from the counts already computed for the dashboard, a slice is one ``UNION ALL … LIMIT`` query.
    Each row is (source id, title, status, target id, locale code, content type id, translation key),
    ordered by title, language and id."""

    def __init__(self, locales: Iterable[Locale], institution: Any = None, status: str | None = None,
                 trackeds: Iterable[Tracked] | None = None,
                 counts: dict[str, dict[str, int]] | None = None) -> None:
        self.locales = list(locales)
        self.institution = institution
        self.status = status
        self.trackeds = list(trackeds) if trackeds is not None else tracked_models()
        self.counts = counts

    def __len__(self) -> int:
        counts = self.counts or status_counts(self.locales, self.institution, self.trackeds)
        codes = {locale.language_code for locale in self.locales}
        return sum(n for code, per in counts.items() if code in codes
                   for status, n in per.items() if self.status in (None, status))

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        if not isinstance(index, slice):
            raise TypeError("StatusRows supports slices only")
        start, stop = index.start or 0, index.stop
        parts, params = [], []
        for tracked in self.trackeds:
            sql, extra = _pairs_sql(tracked, self.locales, self.institution)
            select = "SELECT source_id, title, status, target_id, locale_code, content_type_id, translation_key FROM"
            parts.append(f"{select} ({sql}) q" + (" WHERE q.status = %s" if self.status else ""))
            params.extend([*extra, *([self.status] if self.status else [])])
        sql = " UNION ALL ".join(parts) + " ORDER BY 2, 5, 1"
        if stop is not None:
            sql += " LIMIT %s OFFSET %s"
            params.extend([max(stop - start, 0), start])
        elif start:
            sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            params.append(start)
        return _fetch(sql, params)


def status_rows(locales: Iterable[Locale], institution: Any = None, status: str | None = None,
                trackeds: Iterable[Tracked] | None = None) -> list[tuple[Any, ...]]:
    """Every row of :class:`StatusRows` (for exports and tests; the dashboard pages through them)."""
    return StatusRows(locales, institution, status, trackeds)[0:None]


def status_of(instance: models.Model, locale: Locale) -> TranslationStatus | None:
    """The status of ``instance``'s translation in ``locale`` (``instance`` may be the source or any of its
    translations); None when the object has no Polish source or is not tracked."""
    tracked = tracked_for(type(instance))
    if tracked is None or not isinstance(instance, TranslatableMixin | Page):
        return None
    sql, params = _pairs_sql(tracked, [locale], translation_key=instance.translation_key)
    rows = _fetch(f"SELECT q.status FROM ({sql}) q", params)  # noqa: S608
    return S(rows[0][0]) if rows else None


def statuses_for(instance: models.Model) -> list[tuple[Locale, TranslationStatus, int | None]]:
    """(locale, status, translated object's id) in every target locale for ``instance`` (the source or
    any of its translations), in one query."""
    tracked = tracked_for(type(instance))
    if tracked is None or not getattr(instance, "translation_key", None):
        return []
    locales = target_locales()
    by_code = {locale.language_code: locale for locale in locales}
    sql, params = _pairs_sql(tracked, locales, translation_key=instance.translation_key)  # type: ignore[attr-defined]
    rows = {code: (status, target) for code, status, target in _fetch(
        f"SELECT q.locale_code, q.status, q.target_id FROM ({sql}) q", params)}  # noqa: S608
    return [(by_code[code], S(rows[code][0]), rows[code][1]) for code in by_code if code in rows]


# --- wagtail-localize --------------------------------------------------------------------------------
def ensure_translation(source: models.Model, locale: Locale, user: Any = None, enable: bool = True) -> Any:
    """The wagtail-localize ``Translation`` of the Polish ``source`` into ``locale``, its
    ``TranslationSource`` refreshed from the source's current content (so segments match what the source
    says now). It is created enabled (a "synced" translation) unless ``enable`` is False and a translation
    written by hand already exists in that locale: exporting for an agency must not turn such a page into
    a synced one; importing the agency's file (``enable=True``) does."""
    from wagtail_localize.models import Translation, TranslationSource

    if isinstance(source, Page):
        source = source.specific
    translation_source, _created = TranslationSource.update_or_create_from_instance(source)
    translation = Translation.objects.filter(source=translation_source, target_locale=locale).first()
    if translation is None:
        manual = not enable and type(source)._default_manager.filter(
            translation_key=source.translation_key, locale=locale  # type: ignore[attr-defined]
        ).exists()
        translation = Translation.objects.create(source=translation_source, target_locale=locale, enabled=not manual)
    elif enable and not translation.enabled:
        translation.enabled = True
        translation.save(update_fields=["enabled"])
    return translation


def save_translation(translation: Any, user: Any = None, publish: bool = False) -> models.Model:
    """Save the translated object from the translation's current strings (untranslated segments keep the
    Polish text, as in wagtail-localize's editor) and return it.

    Not publishing: a new revision that editors review and publish. wagtail-localize's
    ``save_target(publish=False)`` also writes the translated fields into the page row, which *is* what
    readers see of a live page, so for a live page the draft revision is saved from wagtail-localize's
    ephemeral translated instance instead; a page that is not live yet (or new), a publish and snippets go
    through ``save_target``."""
    from django.utils.text import slugify
    from wagtail.coreutils import find_available_slug
    from wagtail_localize.models import TranslationLog

    source = translation.source
    locale = translation.target_locale
    model = source.specific_content_type.model_class()
    target = model._default_manager.filter(translation_key=source.object_id, locale=locale).first()
    if publish or target is None or not isinstance(target, Page) or not target.live or target.alias_of_id:
        translation.save_target(user=user, publish=publish)
        return model._default_manager.get(translation_key=source.object_id, locale=locale)  # type: ignore[no-any-return]
    draft = source.get_ephemeral_translated_instance(locale, fallback=True)
    draft.slug = find_available_slug(draft.get_parent(), slugify(draft.slug), ignore_page_id=draft.pk)
    revision = draft.save_revision(user=_user_or_none(user), log_action=True)
    TranslationLog.objects.create(source=source, locale=locale, revision=revision)
    return Page.objects.get(pk=draft.pk).specific


def machine_strings_in_use(instance: models.Model) -> bool:
    """Whether the synced translation ``instance`` uses any machine-made string translation."""
    from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

    source = (TranslationSource.objects.filter(object_id=instance.translation_key,  # type: ignore[attr-defined]
                                               translations__target_locale_id=instance.locale_id,  # type: ignore[attr-defined]
                                               translations__enabled=True).first())
    if source is None:
        return False
    used = StringSegment.objects.filter(source=source, string_id=OuterRef("translation_of_id"),
                                        context_id=OuterRef("context_id"))
    return StringTranslation.objects.filter(
        locale_id=instance.locale_id, context__object_id=source.object_id,  # type: ignore[attr-defined]
        translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
    ).filter(Exists(used)).exists()


def is_synced_translation(instance: models.Model) -> bool:
    from wagtail_localize.models import Translation

    return Translation.objects.filter(
        source__object_id=instance.translation_key,  # type: ignore[attr-defined]
        target_locale_id=instance.locale_id, enabled=True,  # type: ignore[attr-defined]
    ).exists()
