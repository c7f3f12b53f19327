"""The translator role: one group per target locale ("Translators (uk)"), with Wagtail admin access and page
rights on that locale's page tree only.

Rights (docs/translation-review.md): **change and publish** pages below the locale's home page. Not *add*
(translations are created from the Polish source by its institution or by a task, never as new pages of
their own) and not *delete*, *lock* or *move*. Publish, because wagtail-localize's translation editor has no
moderation step: it offers "Save draft" and "Publish" only, so a translator without the right could never
put a translation live. Institutions keep control of what their pages say through the Polish source and
its moderation; a translation's quality is checked by the review task (or "Mark as reviewed").

Snippets have model-wide permissions in Wagtail (not per locale), so translators get none: translated
snippets are edited by the institutions' editors.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Locale, Page

from .models import TranslatorRole

TRANSLATOR_PAGE_PERMISSIONS = ["change_page", "publish_page"]


def group_name(locale: Locale) -> str:
    return f"Translators ({locale.language_code})"


def _permission(codename: str, app_label: str) -> Permission:
    """A permission, created first when this runs before its app's own post_migrate handler."""
    query = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    permission = query.first()
    if permission is None:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
        permission = query.get()
    return permission


def home_pages(locale: Locale) -> list[Page]:
    from otwarta.portal.models import HomePage

    return list(HomePage.objects.filter(locale=locale))


@transaction.atomic
def ensure_translator_role(locale: Locale) -> TranslatorRole:
    """The locale's translator group with its rights, created when needed. Idempotent."""
    role = TranslatorRole.objects.select_related("group").filter(locale=locale).first()
    if role is None:
        group, _created = Group.objects.get_or_create(name=group_name(locale))
        role = TranslatorRole.objects.create(locale=locale, group=group)
    role.group.permissions.add(_permission("access_admin", "wagtailadmin"))
    for home in home_pages(locale):
        grant_home_rights(role.group, home)
    return role


def grant_home_rights(group: Group, home: Page) -> None:
    for codename in TRANSLATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=group, page=home,
                                                  permission=_permission(codename, "wagtailcore"))


def sync_translator_roles() -> list[TranslatorRole]:
    """A translator role for every target locale (every configured locale but the source)."""
    from otwarta.translations.services import target_locales

    return [ensure_translator_role(locale) for locale in target_locales()]


def is_target_locale(locale: Locale) -> bool:
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return locale.language_code in codes


def translator_group(locale: Locale) -> Group | None:
    role = TranslatorRole.objects.select_related("group").filter(locale=locale).first()
    return role.group if role else None


def is_translator(user: Any, locale: Locale) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.groups.filter(translator_role__locale=locale).exists()  # type: ignore[no-any-return]


def translator_locales(user: Any) -> list[Locale]:
    """The locales ``user`` translates into."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(Locale.objects.filter(translator_role__group__in=user.groups.all()).order_by("language_code"))


def translators(locale: Locale | None = None) -> Any:
    """Active members of a translator group (of ``locale``'s when given)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if locale is not None:
        return users.filter(groups__translator_role__locale=locale).distinct()
    return users.filter(groups__translator_role__isnull=False).distinct()
