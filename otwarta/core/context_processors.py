from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from .languages import direction


def portal(request: HttpRequest) -> dict[str, Any]:
    code = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "LANGUAGE_DIRECTION": direction(code),
        "DEMO_BANNER": settings.OTWARTA_DEMO_BANNER,
        "SITE_URL": settings.SITE_URL,
    }
