from __future__ import annotations

from django.urls import path

from . import views

app_name = "printing"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/<slug:fmt>.pdf", views.download, name="download"),
]
