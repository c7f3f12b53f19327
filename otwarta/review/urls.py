"""Admin URLs (mounted under /admin/translation-tasks/ by wagtail_hooks, so Wagtail's admin login applies)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.TaskIndexView.as_view(), name="index"),
    path("results/", views.TaskIndexView.as_view(results_only=True), name="index_results"),
    path("new/", views.TaskCreateView.as_view(), name="create"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/transition/", views.task_transition, name="transition"),
    path("mark-reviewed/<int:page_id>/", views.mark_reviewed_view, name="mark_reviewed"),
]
