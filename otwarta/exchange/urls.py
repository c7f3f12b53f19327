from django.urls import path

from .views import exchange_view

app_name = "otwarta_exchange"
urlpatterns = [path("", exchange_view, name="index")]
