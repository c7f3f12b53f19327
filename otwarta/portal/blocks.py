"""Content blocks of articles. Each renders to plain, semantic HTML that works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from otwarta.directory.blocks import ServiceCardBlock
from otwarta.forms_library.blocks import OfficialFormBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("What to do"), max_length=200)
    text = blocks.RichTextBlock(label=_("Details"), features=RICH_TEXT_FEATURES, required=False)


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        template = "portal/blocks/steps.html"
        icon = "list-ol"
        label = _("Numbered steps")


class DocumentsChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Documents"), min_num=1)
    note = blocks.TextBlock(label=_("Note"), required=False)

    class Meta:
        template = "portal/blocks/documents.html"
        icon = "doc-full"
        label = _("Documents you need")


class ContactCardBlock(blocks.StructBlock):
    institution = SnippetChooserBlock("institutions.Institution", label=_("Institution"))
    note = blocks.TextBlock(label=_("What to contact them about"), required=False)

    class Meta:
        template = "portal/blocks/contact.html"
        icon = "user"
        label = _("Contact card of an institution")


class InstitutionLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Link text"), max_length=200)
    url = blocks.URLBlock(label=_("Address (URL)"))
    description = blocks.TextBlock(label=_("What the reader finds there"), required=False)
    language = blocks.CharBlock(
        label=_("Language of the linked page"), required=False, max_length=12,
        help_text=_("For example pl or uk; readers are told when the page is in another language."),
    )

    class Meta:
        template = "portal/blocks/link.html"
        icon = "link-external"
        label = _("Link to the institution's own page")


class WarningBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        template = "portal/blocks/warning.html"
        icon = "warning"
        label = _("Warning")


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)


class QuestionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=200)
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        template = "portal/blocks/questions.html"
        icon = "help"
        label = _("Questions and answers")


CHILDREN_TEXT_FEATURES = ["bold", "ol", "ul"]


def topic_pictograms() -> list[tuple[str, Any]]:
    from .models import TOPIC_ICONS  # the pictograms of topics; models import this module

    return list(TOPIC_ICONS)


class ChildrenTextBlock(blocks.StructBlock):
    """Text written for the children of immigrants: short sentences about an everyday situation, with a
    pictogram. Shown on the page in a box "For children" and printed in the children's edition of a print
    pack (``otwarta.printing``); other packs leave it out."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.RichTextBlock(
        label=_("Text for children"), features=CHILDREN_TEXT_FEATURES,
        help_text=_("Short sentences, everyday words, one idea per sentence."),
    )
    pictogram = blocks.ChoiceBlock(label=_("Pictogram"), choices=topic_pictograms, default="family")

    class Meta:
        template = "portal/blocks/children.html"
        icon = "group"
        label = _("For children")


class ArticleBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, template="portal/blocks/text.html")
    steps = StepsBlock()
    documents = DocumentsChecklistBlock()
    contact = ContactCardBlock()
    link = InstitutionLinkBlock()
    warning = WarningBlock()
    questions = QuestionsBlock()
    official_form = OfficialFormBlock()
    service = ServiceCardBlock()
    children = ChildrenTextBlock()
