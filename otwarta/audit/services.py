"""The audit log: who may read it, the merged list of Wagtail log entries (pages, snippets and other
models) and field-level changes (django-auditlog), erasure and retention (docs/audit-log.md)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import IntegerField, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from otwarta.institutions.services import REGIONAL_ADMINS

from .registration import MASK, MASKED_FIELDS

# Actions of field-level entries, next to Wagtail's own ("wagtail.edit", "wagtail.publish", …).
FIELD_ACTIONS: dict[str, tuple[int, Any]] = {
    "fields.create": (LogEntry.Action.CREATE, _("Record created")),
    "fields.update": (LogEntry.Action.UPDATE, _("Record changed")),
    "fields.delete": (LogEntry.Action.DELETE, _("Record deleted")),
}
FIELD_ACTION_BY_CODE = {code: key for key, (code, _label) in FIELD_ACTIONS.items()}

# Sources merged in the list, in this order (the index tells the rows of the union apart).
SOURCES: list[Any] = [PageLogEntry, ModelLogEntry, LogEntry]  # model classes (Any: each has .objects)

# Keys of a page revision that are bookkeeping, not content an editor changed.
REVISION_BOOKKEEPING = {
    "pk", "id", "path", "depth", "numchild", "url_path", "draft_title", "live", "has_unpublished_changes",
    "first_published_at", "last_published_at", "live_revision", "latest_revision", "latest_revision_created_at",
    "locked", "locked_at", "locked_by", "owner", "content_type", "page_ptr", "translation_key", "locale",
    "alias_of", "go_live_at", "expire_at", "expired", "comments", "wagtail_admin_comments",
}


def retention_days() -> int:
    return int(getattr(settings, "OTWARTA_AUDIT_RETENTION_DAYS", 730))


def can_read_audit_log(user: Any) -> bool:
    """Regional administrators and superusers (active accounts) only."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists())


# --- the merged list ------------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditRow:
    """One line of the audit log, whatever its source."""

    source: str
    pk: int
    timestamp: dt.datetime
    user: str
    user_id: int | None
    action: str
    action_label: str
    object_type: str
    content_type_id: int | None
    object_id: str
    label: str
    changes: list[Change] = field(default_factory=list)
    compare_url: str = ""
    edit_url: str = ""
    remote_addr: str = ""
    request_id: str = ""

    @property
    def changed_fields(self) -> str:
        return ", ".join(change.field for change in self.changes)

    @property
    def before_after(self) -> str:
        """Every change as ``field: before → after`` (one per line, for the exports)."""
        return "\n".join(f"{c.field}: {c.before} → {c.after}" for c in self.changes)


def union_queryset(filter_source: Any = None) -> Any:
    """All three sources as one ``values()`` union (pk, timestamp, source), newest first.

    ``filter_source(queryset)`` narrows each source before the union (a filterset's ``filter_queryset``)."""
    union = None
    for index, model in enumerate(SOURCES):
        queryset = model.objects.all()
        if filter_source is not None:
            queryset = filter_source(queryset)
        queryset = queryset.values("pk", "timestamp").annotate(
            source_index=Value(index, output_field=IntegerField())).order_by()
        union = queryset if union is None else union.union(queryset, all=True)
    assert union is not None
    return union.order_by("-timestamp", "-pk")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    return force_str(value)


def field_changes(changes: dict[str, Any] | None) -> list[Change]:
    """django-auditlog's ``changes`` as a list of before → after (many-to-many: what was added or
    removed)."""
    result: list[Change] = []
    for name, value in sorted((changes or {}).items()):
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = _text(value.get("objects"))
            if value.get("operation") == "add":
                result.append(Change(name, "", "+ " + objects))
            else:
                result.append(Change(name, "- " + objects, ""))
        elif isinstance(value, (list, tuple)) and len(value) == 2:
            result.append(Change(name, _text(value[0]), _text(value[1])))
    return result


def revision_changed_fields(previous: Revision | None, current: Revision) -> list[str]:
    """Names of the content fields that differ between two revisions of a page."""
    before = previous.content if previous is not None else {}
    after = current.content or {}
    names = set(before) | set(after)
    return sorted(name for name in names
                  if name not in REVISION_BOOKKEEPING and before.get(name) != after.get(name))


def _previous_revision(revision: Revision) -> Revision | None:
    return (Revision.objects.filter(base_content_type_id=revision.base_content_type_id,
                                    object_id=revision.object_id, pk__lt=revision.pk)
            .order_by("-pk").first())


def _content_type_label(content_type_id: int | None) -> str:
    if not content_type_id:
        return ""
    content_type = ContentType.objects.get_for_id(content_type_id)
    model = content_type.model_class()
    return force_str(model._meta.verbose_name).capitalize() if model else content_type.model


def _user_label(user: Any, fallback: str = "") -> str:
    if user is None:
        return fallback or force_str(_("system or the public"))
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def _request_meta(data: Any) -> dict[str, str]:
    meta = data.get(REQUEST_DATA_KEY) if isinstance(data, dict) else None
    return meta if isinstance(meta, dict) else {}


def _wagtail_row(entry: Any, source: str) -> AuditRow:
    meta = _request_meta(entry.data)
    try:
        message = force_str(entry.message)
    except Exception:  # a formatter may expect data an old entry lacks
        message = force_str(log_action_registry.get_action_label(entry.action))
    row = AuditRow(
        source=source, pk=entry.pk, timestamp=entry.timestamp, user=_user_label(entry.user),
        user_id=entry.user_id, action=entry.action, action_label=message,
        object_type=_content_type_label(entry.content_type_id), content_type_id=entry.content_type_id,
        object_id=str(entry.object_id),
        label=entry.label, remote_addr=meta.get("remote_addr", ""), request_id=meta.get("request_id", ""),
    )
    revision = entry.revision
    if revision is not None and source == "page":
        previous = _previous_revision(revision)
        names = revision_changed_fields(previous, revision)
        row.changes = [Change(name, "", "") for name in names]
        try:
            row.compare_url = reverse("wagtailadmin_pages:revisions_compare",
                                      args=[entry.page_id, previous.pk if previous else "earliest", revision.pk])
        except NoReverseMatch:  # pragma: no cover - Wagtail's URL names are stable
            row.compare_url = ""
    return row


def _field_row(entry: LogEntry) -> AuditRow:
    key = FIELD_ACTION_BY_CODE.get(entry.action, "fields.update")
    return AuditRow(
        source="fields", pk=entry.pk, timestamp=entry.timestamp,
        user=_user_label(entry.actor, entry.actor_email or ""), user_id=entry.actor_id, action=key,
        action_label=force_str(FIELD_ACTIONS[key][1]), object_type=_content_type_label(entry.content_type_id),
        content_type_id=entry.content_type_id,
        object_id=entry.object_pk, label=entry.object_repr, changes=field_changes(entry.changes),
        remote_addr=entry.remote_addr or "", request_id=entry.cid or "",
    )


def rows_for(union_rows: Any) -> list[AuditRow]:
    """Load the entries named by rows of :func:`union_queryset`, in the same order."""
    rows = list(union_rows)
    pks: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        pks[row["source_index"]].append(row["pk"])
    lookup: dict[tuple[int, int], AuditRow] = {}
    for index, ids in pks.items():
        model = SOURCES[index]
        if model is LogEntry:
            for entry in LogEntry.objects.filter(pk__in=ids).select_related("actor"):
                lookup[(index, entry.pk)] = _field_row(entry)
        else:
            source = "page" if model is PageLogEntry else "model"
            for entry in model.objects.filter(pk__in=ids).select_related("user", "revision"):
                lookup[(index, entry.pk)] = _wagtail_row(entry, source)
    return [lookup[(row["source_index"], row["pk"])] for row in rows if (row["source_index"], row["pk"]) in lookup]


def action_choices() -> list[tuple[str, str]]:
    choices = [(key, force_str(label)) for key, (_code, label) in FIELD_ACTIONS.items()]
    return choices + [(action, force_str(label)) for action, label in log_action_registry.get_choices()]


def filter_by_action(queryset: Any, action: str) -> Any:
    if queryset.model is LogEntry:
        return queryset.filter(action=FIELD_ACTIONS[action][0]) if action in FIELD_ACTIONS else queryset.none()
    return queryset.none() if action in FIELD_ACTIONS else queryset.filter(action=action)


def filter_by_user(queryset: Any, user: Any) -> Any:
    return queryset.filter(actor=user) if queryset.model is LogEntry else queryset.filter(user=user)


def filter_by_label(queryset: Any, text: str) -> Any:
    if queryset.model is LogEntry:
        return queryset.filter(object_repr__icontains=text)
    return queryset.filter(label__icontains=text)


def filter_by_content_type(queryset: Any, content_type: ContentType) -> Any:
    if queryset.model is PageLogEntry:
        # Page entries carry the specific page type; a filter on "page" keeps all of them.
        model = content_type.model_class()
        from wagtail.models import Page

        if model is Page:
            return queryset
    return queryset.filter(content_type=content_type)


def content_types_in_log() -> models.QuerySet[ContentType]:
    ids: set[int] = set()
    for model in SOURCES:
        ids.update(model.objects.order_by().values_list("content_type_id", flat=True).distinct())
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


# --- request details on Wagtail's own log entries --------------------------------------------------------

REQUEST_DATA_KEY = "_request"


def stamp_wagtail_entry(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of PageLogEntry / ModelLogEntry: keep the request's client address and request id (set by
    :class:`otwarta.audit.middleware.AuditMiddleware`) in the entry's data."""
    from .middleware import current_request_meta

    meta = current_request_meta()
    if instance.pk is None and meta and isinstance(instance.data, dict):
        instance.data.setdefault(REQUEST_DATA_KEY, meta)


# --- erasure and retention -------------------------------------------------------------------------------


def scrub_entries_of(model: type[models.Model], pk: Any) -> int:
    """When a record holding personal data is deleted, keep of its audit entries only that something
    happened, who did it and when: every value of a masked field becomes ``***`` and no snapshot stays."""
    masked = set(MASKED_FIELDS.get(model._meta.label_lower, []))
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    count = 0
    for entry in LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)):
        changes = dict(entry.changes or {})
        for name in list(changes):
            if name in masked:
                changes[name] = [MASK, MASK]
        entry.changes = changes
        entry.changes_text = ""
        entry.serialized_data = None
        entry.additional_data = None
        entry.save(update_fields=["changes", "changes_text", "serialized_data", "additional_data"])
        count += 1
    return count


def purge_old_entries(now: dt.datetime | None = None, *, dry_run: bool = False) -> dict[str, int]:
    """Delete audit entries (field changes and Wagtail log entries) older than the retention period."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model in SOURCES:
            queryset = model.objects.filter(timestamp__lt=cutoff)
            counts[model._meta.label] = queryset.count() if dry_run else queryset.delete()[0]
    return counts
