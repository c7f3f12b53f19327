"""Building and translating the portal tree. Used by the demo loader, tests and management commands."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from otwarta.institutions.models import Institution
from otwarta.institutions.services import grant_page_rights

from .models import HomePage, InstitutionIndexPage, InstitutionPage


def ensure_locales() -> dict[str, Locale]:
    """One Wagtail locale per configured language (adding a language is configuration only)."""
    locales = {}
    for code, _name in settings.LANGUAGES:
        locales[code], _created = Locale.objects.get_or_create(language_code=code)
    return locales


def publish(page: Page, user: Any = None) -> Page:
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


def ensure_home(title: str, intro: str = "") -> HomePage:
    """The Polish home page as the default site's root (replacing Wagtail's welcome page)."""
    locales = ensure_locales()
    existing = HomePage.objects.filter(locale=locales[settings.LANGUAGE_CODE]).first()
    if existing is not None:
        return existing
    root = Page.get_first_root_node()
    with transaction.atomic():
        # Wagtail's placeholder page from its first migration, if it is still there.
        Page.objects.filter(depth=2, slug="home", numchild=0, content_type__model="page").delete()
        home = HomePage(title=title, slug="home", intro=intro, locale=locales[settings.LANGUAGE_CODE])
        root.add_child(instance=home)
        publish(home)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": "Małopolska otwarta"},
        )
    return home


def translate_page(source: Page, language_code: str, fields: dict[str, Any], user: Any = None) -> Page:
    """Create (or update) the ``language_code`` translation of ``source`` with ``fields`` and publish it.

    Parents are translated first when needed (as copies of the source-language parent). The locale
    exists for every configured language (``migrate`` creates it, see ``portal.apps.sync_locales``)."""
    locale = Locale.objects.get(language_code=language_code)
    source = source.specific
    target = source.get_translation_or_none(locale)
    target = (source.copy_for_translation(locale, copy_parents=True) if target is None else target).specific
    for name, value in fields.items():
        if name == "body" and not isinstance(value, str):
            value = json.dumps(value)
        setattr(target, name, value)
    target.save()
    return publish(target, user=user)


def institution_section(index: InstitutionIndexPage, institution: Institution, title: str, intro: str = "",
                        slug: str | None = None) -> InstitutionPage:
    """The institution's own subtree root (Polish), with its groups' rights granted on it."""
    page = InstitutionPage.objects.child_of(index).filter(institution=institution).first()
    if page is None:
        page = InstitutionPage(title=title, slug=slug or institution.slug, institution=institution, intro=intro,
                               locale=index.locale)
        index.add_child(instance=page)
        publish(page)
    grant_page_rights(institution, page)
    return page
