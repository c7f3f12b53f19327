"""Blocks of official forms: the field-by-field explanations of a form, and the article block that links
a form from an article."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class PolishTextBlock(blocks.CharBlock):
    """Text printed on (or written into) the Polish form. It stays Polish in every translation:
    wagtail-localize offers it to nobody for translation and copies it as it is."""

    def get_translatable_segments(self, value: Any) -> list[Any]:
        return []

    def restore_translated_segments(self, value: Any, segments: list[Any]) -> Any:
        return value


class FieldExplanationBlock(blocks.StructBlock):
    number = PolishTextBlock(label=_("Number on the form"), required=False, max_length=20,
                             help_text=_("As printed, for example 4 or 2.1. Leave empty if the form has none."))
    label = PolishTextBlock(label=_("Field name on the form (in Polish)"), max_length=300,
                            help_text=_("Exactly as printed on the Polish form."))
    explanation = blocks.TextBlock(label=_("What to write"),
                                   help_text=_("Plain words in the language of this version."))
    example = PolishTextBlock(label=_("Example entry (in Polish)"), required=False, max_length=300,
                              help_text=_("What a person would write in the field."))

    class Meta:
        icon = "form"
        label = _("Field")


class FormFieldsBlock(blocks.StreamBlock):
    field = FieldExplanationBlock()
    section = blocks.CharBlock(label=_("Part of the form"), max_length=200, icon="title",
                               help_text=_("A heading that groups the fields below it, for example “Personal data”."))


class OfficialFormBlock(blocks.StructBlock):
    """An official form linked from an article: its name in the reader's language, a link to its page in
    the forms library and a direct link to the Polish PDF (and to the reader's-language one, if any)."""

    form = SnippetChooserBlock("forms_library.OfficialForm", label=_("Official form"))
    note = blocks.TextBlock(label=_("When the reader needs this form"), required=False)

    class Meta:
        template = "forms_library/blocks/official_form.html"
        icon = "doc-full-inverse"
        label = _("Official form")

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from .services import reader_version

        context = super().get_context(value, parent_context=parent_context)
        form = value.get("form")
        context["version"] = reader_version(form) if form is not None else None
        return context
