"""Admin URLs (mounted under /admin/requests/ by wagtail_hooks, so Wagtail's admin login applies)."""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("", admin_views.RequestIndexView.as_view(), name="index"),
    path("results/", admin_views.RequestIndexView.as_view(results_only=True), name="index_results"),
    path("<int:request_id>/", admin_views.request_detail, name="detail"),
    path("<int:request_id>/action/", admin_views.request_transition, name="transition"),
]
