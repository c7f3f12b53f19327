"""Admin URLs (mounted under /admin/translations/ by wagtail_hooks, so Wagtail's admin login applies)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
