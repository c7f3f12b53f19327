"""Which models the field-level audit log (django-auditlog) follows, which fields it masks or skips.

Registered: every model of the portal's own apps (``otwarta.*``) and the Wagtail, Django auth, OTP and
wagtail-localize models an editor or administrator changes (accounts, groups and their permissions, group
membership, 2FA devices, collections, sites, locales, workflows, redirects, images, documents, translations).

Not registered (see docs/audit-log.md): pages (their before/after is the Wagtail revision pair, linked from
the audit log), revisions and log tables themselves, sessions, task results, search index rows, caches,
sign-in records (django-axes), rendition files and machine-produced churn (link checks, usage counters,
print files, job progress).
"""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from wagtail.models import Page

MASK = "***"

# Values never stored: secrets (password hashes, OTP keys and tokens, token hashes) and the personal data
# of people asking for an interpreter or assistant (docs/audit-log.md, "Personal data").
MASKED_FIELDS: dict[str, list[str]] = {
    "auth.user": ["password"],
    "otp_totp.totpdevice": ["key"],
    "otp_static.statictoken": ["token"],
    "assistance.assistancerequest": [
        "description", "address", "requester_name", "organisation", "email", "phone", "token_hash",
    ],
    "registers.person": ["email", "phone"],  # an interpreter's private contact (the public one is not masked)
}

# Fields that change by themselves (sign-ins, OTP counters, caches of derived values): not audited.
EXCLUDED_FIELDS: dict[str, list[str]] = {
    "auth.user": ["last_login"],
    "otp_totp.totpdevice": ["last_t", "drift", "throttling_failure_timestamp", "throttling_failure_count",
                            "last_used_at"],
    "otp_static.staticdevice": ["throttling_failure_timestamp", "throttling_failure_count", "last_used_at"],
    "wagtailimages.image": ["file_hash", "file_size", "focal_point_x", "focal_point_y", "focal_point_width",
                            "focal_point_height"],
    "wagtaildocs.document": ["file_hash", "file_size"],
    "wagtail_localize.translation": ["source_last_updated_at"],
    "wagtailcore.collection": ["path", "depth", "numchild"],
}

# Many-to-many relations whose additions and removals are recorded.
M2M_FIELDS: dict[str, set[str]] = {
    "auth.user": {"groups", "user_permissions"},
    "auth.group": {"permissions"},
    "wagtailcore.groupapprovaltask": {"groups"},
}

# Third-party models an editor or administrator changes.
THIRD_PARTY_MODELS = [
    "auth.user", "auth.group",
    "wagtailcore.site", "wagtailcore.locale", "wagtailcore.collection", "wagtailcore.collectionviewrestriction",
    "wagtailcore.pageviewrestriction", "wagtailcore.grouppagepermission", "wagtailcore.groupcollectionpermission",
    "wagtailcore.workflow", "wagtailcore.workflowpage", "wagtailcore.workflowcontenttype", "wagtailcore.task",
    "wagtailcore.groupapprovaltask", "wagtailcore.workflowtask",
    "wagtailimages.image", "wagtaildocs.document", "wagtailredirects.redirect",
    "wagtailusers.userprofile",
    "otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken",
    "wagtail_localize.translation", "wagtail_localize.stringtranslation", "wagtail_localize.segmentoverride",
    "wagtail_localize.localesynchronization",
    "taggit.tag",
]

# Models of the portal's apps that are operational records, not editorial or administrative actions.
EXCLUDED_PROJECT_MODELS = {
    "currency.externallink",      # link checker results, rewritten by the weekly task
    "currency.scheduledrun",      # scheduler bookkeeping
    "machine_translation.characterusage",   # usage counter
    "machine_translation.bulktranslationjob",  # job progress (the job's start is a Wagtail log action)
    "printing.packfile",          # generated PDF files, rebuilt on every publication
    "translations.sourceversion",  # derived from page revisions
    "assistance.requestevent",    # a request's own history (its notes may hold personal data)
    "review.taskevent",           # a translation task's own history (already a log)
}


def mask_value(value: Any) -> str:
    """``AUDITLOG_MASK_CALLABLE``: a masked value never keeps any part of the original."""
    return MASK


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def audited_model_labels() -> list[str]:
    extra_excluded = {label.lower() for label in getattr(settings, "OTWARTA_AUDIT_EXCLUDE_MODELS", ())}
    labels: list[str] = []
    for model in apps.get_models():
        label = _label(model)
        if model._meta.proxy or not model._meta.managed or issubclass(model, Page):
            continue
        if label in extra_excluded:
            continue
        own = model.__module__.startswith("otwarta.") and label not in EXCLUDED_PROJECT_MODELS
        if own or label in THIRD_PARTY_MODELS:
            labels.append(label)
    return labels


def register_models() -> None:
    for label in audited_model_labels():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        auditlog.register(
            model,
            exclude_fields=list(EXCLUDED_FIELDS.get(label, [])),
            mask_fields=list(MASKED_FIELDS.get(label, [])),
            m2m_fields=set(M2M_FIELDS.get(label, set())),
        )


def connect_erasure() -> None:
    from .services import scrub_entries_of

    def _scrub(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        scrub_entries_of(sender, instance.pk)

    for label in MASKED_FIELDS:
        try:
            model = apps.get_model(label)
        except LookupError:  # an optional app (otp_static) not installed
            continue
        post_delete.connect(_scrub, sender=model, weak=False, dispatch_uid=f"otwarta-audit-scrub-{label}")
