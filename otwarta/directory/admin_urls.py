"""Admin URLs of the directory beyond the snippet views (mounted at /admin/directory/, see wagtail_hooks)."""

from __future__ import annotations

from django.urls import path

from . import admin_views

app_name = "directory_admin"
urlpatterns = [
    path("to-confirm/", admin_views.to_confirm, name="to_confirm"),
    path("<str:model_name>/<int:pk>/details/", admin_views.details, name="details"),
    path("<str:model_name>/<int:pk>/confirm/", admin_views.assure, name="assure"),
]
