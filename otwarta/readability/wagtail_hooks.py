"""Wagtail admin integration: the readability endpoint under the admin URLs (admin access required)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from wagtail import hooks

from . import urls


@hooks.register("register_admin_urls")
def register_readability_urls() -> list[URLPattern | URLResolver]:
    return [path("readability/", include(urls, namespace="readability"))]
