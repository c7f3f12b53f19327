"""Template helpers of the situation guide: a link to it from other pages (the home page's "Help near you")."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import translation

from otwarta.core.languages import in_private_section

register = template.Library()


@register.simple_tag(takes_context=True)
def situation_guide(context: dict[str, Any]) -> Any:
    """The live, public situation guide in the reader's language (one query), else None."""
    from otwarta.guide.models import SituationGuidePage

    language = translation.get_language() or settings.LANGUAGE_CODE
    return (SituationGuidePage.objects.live().exclude(in_private_section())
            .filter(locale__language_code=language).defer("questions", "rules").order_by("path").first())
