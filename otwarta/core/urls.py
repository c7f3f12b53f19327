from django.urls import path

from . import views

urlpatterns = [
    path("emergency/", views.emergency, name="emergency"),
    path("unavailable/<int:page_id>/", views.unavailable, name="unavailable"),
]
