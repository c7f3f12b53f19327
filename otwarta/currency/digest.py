"""The weekly e-mail to institution editors and moderators: their pages that are due for a check.

Each active editor or moderator with an e-mail address gets one message (plain text and HTML) listing
the articles of all their institutions that are due soon, overdue or stale, in the language they chose
for the Wagtail admin. Users with nothing due get nothing. Sent through Django's ``EMAIL_BACKEND``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from wagtail.users.models import UserProfile

from otwarta.institutions.models import Institution
from otwarta.portal.models import ArticlePage, ReviewState

from .models import ExternalLink
from .services import attach_translations, review_queryset

logger = logging.getLogger(__name__)


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"sent": len(self.sent), "skipped": len(self.skipped), "failed": len(self.failed)}


def admin_url(path: str) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def recipients() -> dict[Any, list[Institution]]:
    """Active editors and moderators with an e-mail address, each with the institutions they work for."""
    User = get_user_model()  # noqa: N806
    institutions = list(Institution.objects.exclude(editors_group=None, moderators_group=None).order_by("name"))
    group_to_institutions: dict[int, list[Institution]] = defaultdict(list)
    for institution in institutions:
        for group_id in (institution.editors_group_id, institution.moderators_group_id):
            if group_id:
                group_to_institutions[group_id].append(institution)
    users = (
        User.objects.filter(is_active=True, groups__in=list(group_to_institutions)).exclude(Q(email="") | Q(email=None))
        .distinct().prefetch_related("groups").order_by("pk")
    )
    result: dict[Any, list[Institution]] = {}
    for user in users:
        own: dict[int, Institution] = {}
        for group in user.groups.all():
            for institution in group_to_institutions.get(group.pk, []):
                own[institution.pk] = institution
        result[user] = sorted(own.values(), key=lambda i: i.name)
    return result


def preferred_language(user: Any) -> str:
    """The language the user chose for the Wagtail admin, else the site's default language."""
    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None and profile.preferred_language:
        return profile.preferred_language
    return settings.LANGUAGE_CODE


def _row(page: ArticlePage) -> dict[str, Any]:
    return {
        "title": page.title,
        "institution": page.institution.name if page.institution else "",
        "state": page.review_status,
        "due_on": page.due_on,
        "last_reviewed_at": page.last_reviewed_at,
        "translations": getattr(page, "translation_codes", []),
        "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
        "check_url": admin_url(reverse("otwarta_currency:mark_checked", args=[page.pk])),
        "live_url": page.full_url or "",
    }


def build_message(user: Any, pages: list[ArticlePage], broken_links: int, today: dt.date) -> EmailMultiAlternatives:
    """The digest for one user, rendered in their admin language."""
    with translation.override(preferred_language(user)):
        rows = [_row(page) for page in pages]
        for row in rows:
            row["state_label"] = str(ReviewState(row["state"]).label)
        context = {
            "user": user,
            "rows": rows,
            "today": today,
            "counts": {state.value: sum(1 for r in rows if r["state"] == state.value) for state in ReviewState},
            "broken_links": broken_links,
            "report_url": admin_url(reverse("otwarta_currency:pages_report")),
            "links_url": admin_url(reverse("otwarta_currency:broken_links")),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "grace_days": settings.OTWARTA_REVIEW_GRACE_DAYS,
        }
        subject = ngettext(
            "%(count)d page to check on %(site)s", "%(count)d pages to check on %(site)s", len(rows)
        ) % {"count": len(rows), "site": settings.WAGTAIL_SITE_NAME}
        text = render_to_string("currency/email/digest.txt", context)
        html = render_to_string("currency/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_digests(today: dt.date | None = None) -> DigestReport:
    today = today or timezone.localdate()
    report = DigestReport()
    people = recipients()
    all_institutions = {i.pk: i for insts in people.values() for i in insts}
    pages = attach_translations(review_queryset(institutions=list(all_institutions.values()), today=today))
    by_institution: dict[int, list[ArticlePage]] = defaultdict(list)
    for page in pages:
        by_institution[page.institution_id].append(page)  # type: ignore[index]
    broken: dict[int, int] = defaultdict(int)
    for institution_id in (
        ExternalLink.objects.filter(broken=True, page__institution__in=list(all_institutions))
        .values_list("page__institution", flat=True)
    ):
        broken[institution_id] += 1

    connection = get_connection()
    for user, institutions in people.items():
        own = [page for institution in institutions for page in by_institution.get(institution.pk, [])]
        if not own:
            report.skipped.append(user.get_username())
            continue
        own.sort(key=lambda p: (p.due_on, p.title, p.pk))
        message = build_message(user, own, sum(broken[i.pk] for i in institutions), today)
        message.connection = connection
        try:
            message.send()
        except Exception:  # one bad address or a flaky server must not stop the others
            logger.exception("Could not send the review digest to %s", user.get_username())
            report.failed.append(user.get_username())
        else:
            report.sent.append(user.get_username())
    return report
