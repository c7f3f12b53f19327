from __future__ import annotations

from django.urls import path, re_path

from otwarta.assistance import views

app_name = "assistance"

TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,64})"  # noqa: S105 (a URL pattern, not a secret)

urlpatterns = [
    path("", views.request_form, name="request"),
    path("wyslano/", views.request_sent, name="sent"),
    re_path(rf"^{TOKEN}/$", views.follow, name="follow"),
    re_path(rf"^{TOKEN}/anuluj/$", views.cancel, name="cancel"),
]
