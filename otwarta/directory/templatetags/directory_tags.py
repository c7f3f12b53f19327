"""Template helpers of the directory's public pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.conf import settings
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from otwarta.directory import hours
from otwarta.directory.models import AccessibilityFeature

register = template.Library()


@register.simple_tag
def lang_attr(value: Any) -> SafeString:
    """`` lang="pl"`` when ``value`` (a LocalText or a StreamValue with ``lang``) is not in the active
    language, else nothing."""
    lang = getattr(value, "lang", "") or ""
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if not lang or lang == current:
        return mark_safe("")
    return format_html(' lang="{}"', lang)


@register.simple_tag
def local_time(moment: dt.datetime | None = None, day: dt.date | None = None,
               time: dt.time | None = None) -> SafeString:
    """A ``<time>`` element with Polish local time (HH:MM) and its ISO datetime, which the page's small
    script uses to add the reader's own time when the browser is in another time zone. Either ``moment``
    (an aware datetime) or ``day`` and ``time``."""
    if moment is None:
        if day is None or time is None:
            return mark_safe("")
        moment = hours.at(day, time)
    moment = hours.local_now(moment)
    return format_html('<time datetime="{}" data-local-time>{}</time>', moment.isoformat(timespec="minutes"),
                       formats.time_format(moment.time(), "H:i"))


@register.simple_tag
def relative_day(moment: dt.datetime | None) -> str:
    """"today", "tomorrow" or the weekday and date of ``moment`` (Polish local time)."""
    if moment is None:
        return ""
    day = hours.local_now(moment).date()
    today = hours.local_today()
    if day == today:
        return str(translation.gettext("today"))
    if day == today + dt.timedelta(days=1):
        return str(translation.gettext("tomorrow"))
    return formats.date_format(day, "l, j E")


@register.filter
def interval_list(intervals: list[tuple[dt.time, dt.time]]) -> str:
    return ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in intervals)


def _current() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


@register.simple_tag
def lang_pl() -> SafeString:
    """`` lang="pl"`` for Polish text (an address, a town, a note kept in Polish) on a non-Polish page."""
    return mark_safe("") if _current() == settings.LANGUAGE_CODE else format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.simple_tag
def reason_lang(reason: str, day: dt.date | None = None) -> SafeString:
    """The ``lang`` attribute of a closure reason: a public holiday's name is in the reader's language
    when the holidays package has that language; a closure's reason is written in Polish."""
    if not reason or _current() == settings.LANGUAGE_CODE:
        return mark_safe("")
    if _current() in hours.HOLIDAY_LANGUAGES and hours.public_holiday(day or hours.local_today()) == reason:
        return mark_safe("")
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.filter
def feature_label(value: str) -> str:
    """The name of an accessibility feature (AccessibilityFeature) in the reader's language."""
    try:
        return str(AccessibilityFeature(value).label)
    except ValueError:
        return value
