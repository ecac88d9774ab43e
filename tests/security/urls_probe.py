"""A URL conf with one unregistered customer-scoped URL, to prove the isolation walk catches it."""

from django.urls import include, path, re_path


def view(request, **kwargs):  # pragma: no cover - never requested
    raise AssertionError


nested = ([path("ting/<int:pk>/", view, name="thing"), re_path(r"^gammel/(?P<ref>\d+)/$", view, name="old")], "probe")

urlpatterns = [
    path("", view, name="home"),
    path("probe/", include(nested)),
]
