"""A URL conf with a view that fails, for the 500 page test."""

from django.urls import include, path

from config.urls import handler403, handler404, handler500  # noqa: F401


def boom(request):
    raise RuntimeError("simulated failure")


urlpatterns = [
    path("boom/", boom),
    path("", include("config.urls")),
]
