from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("kunde/bytt/", views.switch_customer, name="switch_customer"),
]
