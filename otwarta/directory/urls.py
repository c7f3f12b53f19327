from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="search"),
    path("mapa.json", views.map_json, name="map_json"),
    path("<slug:slug>/", views.service, name="service"),
]
