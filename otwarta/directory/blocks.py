"""The article block that embeds a service of the directory as a card (name in the reader's language,
today's status, a link to the service page). The service page links back to the articles that embed it
(Wagtail's reference index, see views.related_articles)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class ServiceCardBlock(blocks.StructBlock):
    service = SnippetChooserBlock("directory.Service", label=_("Service from the directory"))
    note = blocks.TextBlock(label=_("Why the reader may need this service"), required=False)

    class Meta:
        template = "directory/_service_card_block.html"
        icon = "site"
        label = _("Service from the directory")

    def clean(self, value: Any) -> Any:
        """Always store the Polish (source) row: it holds the structure every translation shares."""
        value = super().clean(value)
        service = value.get("service")
        if service is not None and not service.is_source:
            try:
                value["service"] = service.source()
            except type(service).DoesNotExist as error:
                raise ValidationError(_("Choose the Polish version of the service.")) from error
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from .models import Service
        from .search import cards, visible_services, with_card_data

        context = super().get_context(value, parent_context=parent_context)
        chosen = value.get("service")
        context["card"] = None
        if chosen is not None:
            source = visible_services().filter(translation_key=chosen.translation_key)
            found = cards(with_card_data(source)) if isinstance(chosen, Service) else []
            context["card"] = found[0] if found else None
        return context
