"""Which pages an exchange covers, who may export and import them, and applying a checked import.

Import is all or nothing: every file is read and checked completely first (each problem is collected
with its file and unit), and only a file set without a single problem is applied, inside one
transaction, so an error found while saving a page still rolls back everything before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail_localize.models import StringTranslation, Translation

from otwarta.institutions.services import REGIONAL_ADMINS
from otwarta.portal.models import InstitutionPage
from otwarta.translations.services import source_locale, target_locales

from .units import Unit

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class Scope(models.TextChoices):
    PAGE = "page", _("This page")
    SECTION = "section", _("The institution's section (all its pages)")
    LOCALE = "locale", _("All pages of the portal")


# --- translation machinery of the lead's app (otwarta.translations) ------------------------------------
def ensure_translation(page: Page, locale: Locale, user: Any, enable: bool = True) -> Translation:
    """The wagtail-localize translation of the Polish ``page`` into ``locale``, its source refreshed from
    the page's current content; an export (``enable=False``) leaves a hand-written translation as it is."""
    from otwarta.translations.services import ensure_translation as ensure

    return ensure(page, locale, user, enable=enable)  # type: ignore[no-any-return]


def record_sync(translated_page: Page, user: Any) -> None:
    """Tell the translation status that a person brought ``translated_page`` up to date."""
    from otwarta.translations.services import record_sync as record

    record(translated_page, origin="human", user=user)


# --- locales and permissions ----------------------------------------------------------------------------


def target_locale(code: str) -> Locale:
    """The target locale with this language code; ``ValueError`` for the source or an unknown code."""
    for locale in target_locales():
        if locale.language_code == code:
            return locale
    raise ValueError(_("“%(code)s” is not a target language of the portal (%(codes)s).") % {
        "code": code, "codes": ", ".join(locale.language_code for locale in target_locales())})


def may_export_locale(user: Any) -> bool:
    """Only regional administrators (and superusers) export or import all pages of the portal at once."""
    return bool(user.is_authenticated and (user.is_superuser or user.groups.filter(name=REGIONAL_ADMINS).exists()))


def can_edit(page: Page, user: Any) -> bool:
    return bool(user.is_authenticated and page.permissions_for_user(user).can_edit())


def editable_pages(user: Any) -> models.QuerySet[Page]:
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])  # type: ignore[no-any-return]


def sections_for_user(user: Any) -> list[InstitutionPage]:
    """The Polish institution sections the user may edit (for the scope choice)."""
    editable = editable_pages(user).values("pk")
    return list(InstitutionPage.objects.filter(locale=source_locale(), pk__in=editable).order_by("title"))


def section_of(page: Page) -> InstitutionPage | None:
    """The institution section (``InstitutionPage``) that ``page`` is or lies under."""
    return (InstitutionPage.objects.filter(locale_id=page.locale_id, path__in=_ancestor_paths(page))
            .order_by("-depth").first())


def _ancestor_paths(page: Page) -> list[str]:
    return [page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]


def pages_in_scope(scope: str, user: Any, page: Page | None = None) -> list[Page]:
    """The Polish pages an export of ``scope`` covers, in tree order. ``PermissionDenied`` when the user
    may not edit them. A single page is exported as it is; a section or the whole portal gives its live
    pages (drafts that were never published are not sent out for translation)."""
    polish = source_locale()
    if scope == Scope.LOCALE:
        if not may_export_locale(user):
            raise PermissionDenied
        pages = Page.objects.filter(locale=polish, depth__gt=1)
    else:
        if page is None:
            raise ValueError("a page is needed for this scope")
        if page.locale_id != polish.pk:
            raise ValueError(_("Choose a page in Polish, the source language."))
        if scope == Scope.PAGE:
            if not can_edit(page, user):
                raise PermissionDenied
            return [page.specific]
        section = section_of(page)
        if section is None:
            raise ValueError(_("“%(title)s” is not in an institution's section.") % {"title": page.title})
        if not can_edit(section, user):
            raise PermissionDenied
        pages = Page.objects.descendant_of(section, inclusive=True)
        if not may_export_locale(user):
            pages = pages.filter(pk__in=editable_pages(user).values("pk"))
    return list(pages.live().filter(alias_of__isnull=True).order_by("path").specific())


# --- import ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One reason to reject an import: the file (or the member of a zip file), the unit (a unit id, PO
    context, or empty for the whole file) and what is wrong, in the user's language."""

    file: str
    unit: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.unit}: {self.message}" if self.unit else f"{where}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass
class PagePlan:
    """The checked translations of one page, ready to be applied."""

    page: Page  # the Polish source page
    translation: Translation
    units: dict[tuple[int, int], str] = field(default_factory=dict)  # (string id, context id) -> data
    total_units: int = 0
    file: str = ""


@dataclass
class ImportResult:
    pages: list[Page] = field(default_factory=list)  # the translated pages (drafts, or published)
    units: int = 0
    published: bool = False
    complete: list[Page] = field(default_factory=list)  # pages with every unit translated


class PageChecker:
    """Looks up the pages a file names and checks the user's rights on them, collecting problems."""

    def __init__(self, user: Any, locale: Locale, publish: bool) -> None:
        self.user = user
        self.locale = locale
        self.publish = publish
        self.polish = source_locale()
        self.seen: dict[int, str] = {}

    def page(self, translation_key: Any, file: str, unit: str, problems: list[Problem]) -> Page | None:
        page = Page.objects.filter(translation_key=translation_key, locale=self.polish).first()
        if page is None:
            problems.append(Problem(file, unit, _("No Polish page has this id (it may have been deleted).")))
            return None
        page = page.specific
        if page.pk in self.seen:
            problems.append(Problem(file, unit, _("The page “%(title)s” appears twice (also in %(other)s).")
                                    % {"title": page.title, "other": self.seen[page.pk]}))
            return None
        self.seen[page.pk] = file
        target = page.get_translation_or_none(self.locale)
        if not can_edit(page, self.user) or (target is not None and not can_edit(target, self.user)):
            problems.append(Problem(file, unit, _("You may not edit the page “%(title)s” or its translation.")
                                    % {"title": page.title}))
            return None
        if self.publish and not (page.permissions_for_user(self.user).can_publish()
                                 and (target is None or target.permissions_for_user(self.user).can_publish())):
            problems.append(Problem(file, unit, _(
                "You may not publish the translation of “%(title)s”: import it without publishing and send "
                "the draft for moderation.") % {"title": page.title}))
            return None
        return page


def write_string_translations(plan: PagePlan, user: Any, tool_name: str) -> None:
    now = timezone.now()
    for (string_id, context_id), data in plan.units.items():
        StringTranslation.objects.update_or_create(
            translation_of_id=string_id, locale=plan.translation.target_locale, context_id=context_id,
            defaults={"data": data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                      "tool_name": tool_name, "last_translated_by": _user_or_none(user), "updated_at": now,
                      "has_error": False, "field_error": ""},
        )


Writer = Callable[[PagePlan, Any, str], None]


def apply_plans(plans: Iterable[PagePlan], user: Any, publish: bool, tool_name: str,
                write: Writer = write_string_translations) -> ImportResult:
    """Write the checked translations and save each translated page (a draft unless ``publish``).
    Call inside a transaction: an error raises ``ImportRejected`` and the caller rolls back."""
    result = ImportResult(published=publish)
    for plan in plans:
        write(plan, user, tool_name)
        Translation.objects.filter(pk=plan.translation.pk).update(translations_last_updated_at=timezone.now())
        try:
            target = save_translated_page(plan.translation, user, publish)
        except ValidationError as error:
            raise ImportRejected([Problem(plan.file, "", _("The translated page “%(title)s” could not be saved: "
                                                           "%(error)s") % {"title": plan.page.title,
                                                                           "error": "; ".join(error.messages)})]
                                 ) from error
        total, translated = plan.translation.get_progress()
        if translated == total:
            result.complete.append(target)
            if not publish:  # publishing records the sync itself (otwarta.translations signals)
                record_sync(target, user)
        result.pages.append(target)
        result.units += len(plan.units)
    return result


def save_translated_page(translation: Translation, user: Any, publish: bool) -> Page:
    """Save the translated page from the current string translations: a draft revision that leaves a live
    page's published text alone, or a publish (``otwarta.translations.services.save_translation``)."""
    from otwarta.translations.services import save_translation

    return save_translation(translation, user=user, publish=publish)  # type: ignore[return-value]


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def run_import(check: Callable[[], tuple[list[PagePlan], list[Problem]]], user: Any, publish: bool,
               tool_name: str, write: Writer = write_string_translations) -> ImportResult:
    """``check()`` reads and checks every file, returning ``(plans, problems)``; with any problem nothing
    is written (the source refreshes made while checking are rolled back too)."""
    with transaction.atomic():
        plans, problems = check()
        if problems:
            raise ImportRejected(problems)
        return apply_plans(plans, user, publish, tool_name, write)


def units_for_plan(translation: Translation) -> list[Unit]:
    from .units import units_by_source

    return units_by_source([translation.source], translation.target_locale)[translation.source.pk]
