from django.urls import path

from . import views

app_name = "otwarta_machine_translation"

urlpatterns = [
    path("page/<int:page_id>/translate/", views.translate_page_view, name="translate_page"),
    path("page/<int:page_id>/bulk/", views.bulk_translate_view, name="bulk_translate"),
    path("jobs/", views.job_list_view, name="jobs"),
    path("jobs/<int:job_id>/", views.job_view, name="job"),
]
