"""Admin: the translation dashboard (menu item) and the audit-log labels."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_translation_urls() -> list[Any]:
    return [path("translations/", include((urls, "otwarta_translations"), namespace="otwarta_translations"))]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item() -> MenuItem:
    return MenuItem(_("Translation status"), reverse("otwarta_translations:dashboard"), icon_name="globe",
                    order=250)


@hooks.register("insert_global_admin_css")
def dashboard_css() -> str:
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("translations/admin.css"))
