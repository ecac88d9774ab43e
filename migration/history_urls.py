"""The old shop's orders, under «Mine ordre» (mounted at ordre/dagens-nettbutikk/)."""

from django.urls import path

from . import history_views

app_name = "legacy_orders"

urlpatterns = [
    path("<int:pk>/", history_views.legacy_order_detail, name="detail"),
    path("<int:pk>/bestill-igjen/", history_views.legacy_order_reorder, name="reorder"),
]
