"""Admin URLs of print packs beyond the snippet views (mounted at /admin/printing/, see wagtail_hooks)."""

from __future__ import annotations

from django.urls import path

from . import admin_views

app_name = "printing_admin"
urlpatterns = [
    path("to-fix/", admin_views.to_fix, name="to_fix"),
    path("packs/<int:pk>/", admin_views.status, name="status"),
    path("packs/<int:pk>/generate-again/", admin_views.regenerate, name="regenerate"),
]
