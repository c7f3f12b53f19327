"""Forms of the print packs' admin.

``PrintPackForm`` is the pack's main form: an institution's editor chooses among their own institutions;
on a translation the structure (type, institution, address, listing, parts) is set on the Polish pack and
not editable. ``PackItemForm`` is the form of each part: the field that matches the part's kind is
required and the others are cleared; pages must be Polish, and a section's heading must exist on the page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from otwarta.directory.models import source_locale_id
from otwarta.institutions.snippet_admin import limit_institution_field

from .models import ItemKind

# The field that names what a part of each kind shows.
TARGET_FIELD = {
    ItemKind.PAGE: "page", ItemKind.SECTION: "page", ItemKind.SERVICE: "service",
    ItemKind.INSTITUTION: "institution", ItemKind.REGISTER: "register",
}
TARGET_FIELDS = ("page", "service", "institution", "register")
MISSING_TARGET = {
    ItemKind.PAGE: _("Choose the page for this part."),
    ItemKind.SECTION: _("Choose the page this section comes from."),
    ItemKind.SERVICE: _("Choose the service for this part."),
    ItemKind.INSTITUTION: _("Choose the institution whose contact details this part shows."),
    ItemKind.REGISTER: _("Choose the register whose hotlines this part shows."),
}
# Fields a translation takes from the Polish pack (wagtail-localize synchronises them).
STRUCTURE_FIELDS = ("institution", "pack_type", "slug", "listed")


def quoted_list(texts: list[str]) -> str:
    return ", ".join(f"“{text}”" for text in texts)


class PackItemForm(WagtailAdminModelForm):
    """One part of a pack (a form of the "Parts of the pack" formset)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in TARGET_FIELD:
            return cleaned
        wanted = TARGET_FIELD[kind]
        for name in TARGET_FIELDS:
            if name != wanted:
                cleaned[name] = None
                self.errors.pop(name, None)  # a field the part does not use cannot hold it back
        if kind != ItemKind.SECTION:
            cleaned["section_heading"] = ""
        target = cleaned.get(wanted)
        if target is None:
            if wanted not in self.errors:
                self.add_error(wanted, MISSING_TARGET[ItemKind(kind)])
            return cleaned
        if wanted == "page":
            self._check_page(cleaned, target, kind)
        elif wanted == "service" and target.locale_id != source_locale_id():
            self.add_error("service", _("Choose the Polish record of the service: each language's PDF takes "
                                        "the service from its translation."))
        return cleaned

    def _check_page(self, cleaned: dict[str, Any], page: Any, kind: str) -> None:
        from . import sections

        if page.locale_id != source_locale_id():
            self.add_error("page", _("Choose the Polish page: “%(page)s” is a translation. Each language's PDF "
                                     "takes the text from that language's version of the Polish page.")
                           % {"page": page.title})
            return
        if kind != ItemKind.SECTION:
            return
        specific = page.specific
        available = sections.section_headings(specific)
        heading = sections.normalise(cleaned.get("section_heading") or "")
        if not available:
            self.add_error("section_heading", _(
                "The page “%(page)s” has no section headings. Choose “Whole page” or another page.")
                % {"page": page.title})
            return
        if not heading:
            self.add_error("section_heading", _(
                "Copy the heading of the section from the page. The section headings of “%(page)s” are: "
                "%(headings)s.") % {"page": page.title, "headings": quoted_list(available)})
            return
        index = sections.find_section_index(specific, heading)
        if index is None:
            self.add_error("section_heading", _(
                "The page “%(page)s” has no section headed “%(heading)s”. Its section headings are: "
                "%(headings)s. Copy one of them.")
                % {"page": page.title, "heading": heading, "headings": quoted_list(available)})
            return
        cleaned["section_heading"] = available[index]  # as written on the page


class PrintPackForm(WagtailAdminModelForm):
    """The pack: an institution's editor chooses among their own institutions only. On a translation the
    structure is read-only and the parts are not part of the form (they are edited on the Polish pack)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_institution_field(self)
        if self.is_translation:
            for name in STRUCTURE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Set on the Polish pack; translations take it from there.")
            self.formsets.pop("items", None)

    @property
    def is_translation(self) -> bool:
        locale_id = self.instance.locale_id
        return bool(self.instance.pk and locale_id and locale_id != source_locale_id())
