from django.urls import path

from . import views

app_name = "readability"

urlpatterns = [
    path("analyse/", views.analyse_view, name="analyse"),
]
