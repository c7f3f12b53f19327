from django.urls import path

from . import tabular_views

app_name = "otwarta_hsds_exchange"
urlpatterns = [
    path("", tabular_views.index, name="index"),
    path("preview/", tabular_views.preview, name="preview"),
    path("confirm/", tabular_views.confirm, name="confirm"),
    path("report/<str:token>.csv", tabular_views.report, name="report"),
]
