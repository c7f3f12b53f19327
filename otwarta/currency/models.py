"""Records of the "staying current" app: external links found in articles, and runs of periodic jobs."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkError(models.TextChoices):
    TIMEOUT = "timeout", _("No answer in time")
    REDIRECTS = "redirects", _("Too many redirects")
    TLS = "tls", _("Secure connection failed")
    CONNECTION = "connection", _("Could not connect")
    REQUEST = "request", _("Request failed")


class ExternalLink(models.Model):
    """One external address linked from one live article (one row per page and address).

    Filled by :func:`otwarta.currency.linkcheck.collect_links` from the article bodies and updated by
    :func:`otwarta.currency.linkcheck.check_links`."""

    page = models.ForeignKey("portal.ArticlePage", on_delete=models.CASCADE, related_name="external_links",
                             verbose_name=_("page"))
    url = models.URLField(_("address"), max_length=2000)
    text = models.CharField(_("link text"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("address after redirects"), max_length=2000, blank=True)
    error_kind = models.CharField(_("problem"), max_length=20, choices=LinkError.choices, blank=True)
    error = models.CharField(_("technical details"), max_length=500, blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_checked = models.DateTimeField(_("last checked"), null=True, blank=True)
    broken = models.BooleanField(_("broken"), default=False, db_index=True)
    consecutive_failures = models.PositiveIntegerField(_("failed checks in a row"), default=0)

    class Meta:
        verbose_name = _("external link")
        verbose_name_plural = _("external links")
        ordering = ["page_id", "url"]
        constraints = [models.UniqueConstraint(fields=["page", "url"], name="currency_link_unique_per_page")]

    def __str__(self) -> str:
        return self.url

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url

    @property
    def problem(self) -> str:
        """What went wrong, for people: the kind of error, else the HTTP status."""
        if self.error_kind:
            return str(self.get_error_kind_display())
        if self.status_code and self.status_code >= 400:
            return _("HTTP %(code)s") % {"code": self.status_code}
        return ""


class ScheduledRun(models.Model):
    """One enqueued run of a periodic job. The unique (job, slot) pair lets several scheduler processes
    run at once (or one restart within a minute) without sending a digest twice."""

    job = models.CharField(_("job"), max_length=100)
    slot = models.CharField(_("scheduled minute (local time)"), max_length=16)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-enqueued_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="currency_run_unique_slot")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot}"
