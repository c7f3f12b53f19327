"""Admin URLs (mounted under /admin/currency/ by wagtail_hooks, so Wagtail's admin login applies)."""

from django.urls import path

from . import views

urlpatterns = [
    path("check/<int:page_id>/", views.mark_checked_view, name="mark_checked"),
    path("pages-to-check/", views.PagesToCheckView.as_view(), name="pages_report"),
    path("pages-to-check/results/", views.PagesToCheckView.as_view(results_only=True), name="pages_report_results"),
    path("broken-links/", views.BrokenLinksView.as_view(), name="broken_links"),
    path("broken-links/results/", views.BrokenLinksView.as_view(results_only=True), name="broken_links_results"),
]
