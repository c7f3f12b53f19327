"""Access to ``settings.OTWARTA_MT`` (see otwarta/settings.py and docs/machine-translation.md)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings


def mt_settings() -> dict[str, Any]:
    return cast(dict[str, Any], getattr(settings, "OTWARTA_MT", {}))


def default_monthly_characters() -> int:
    return int(mt_settings().get("DEFAULT_MONTHLY_CHARACTERS", 200_000))
