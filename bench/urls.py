"""The shop's URLs plus, with BENCH_CEILING=1, a bare view that marks the ceiling of the stack.

The ceiling view renders a fixed ~5.8 KB template through the same middleware as every page and
touches neither the database nor the session: what one request costs before any shop code runs.
Its template has 150 variables; `bench/static/` serves the same bytes without rendering, to show
how much of the ceiling is the template engine and how much the middleware stack.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as shop_urlpatterns

_TEMPLATE = Engine().from_string((Path(__file__).parent / "ceiling.html").read_text(encoding="utf-8"))
_ITEMS = [{"name": f"Vare {n}", "price": f"{n * 10},00"} for n in range(1, 31)]


def ceiling(request):
    return HttpResponse(_TEMPLATE.render(Context({"title": "Tak", "items": _ITEMS})))


_RENDERED = _TEMPLATE.render(Context({"title": "Tak", "items": _ITEMS}))


def ceiling_static(request):
    """The same page, rendered once at start-up: the middleware stack alone, for reference."""
    return HttpResponse(_RENDERED)


urlpatterns = list(shop_urlpatterns)
if os.environ.get("BENCH_CEILING") == "1":
    urlpatterns.insert(0, path("bench/ceiling/", ceiling, name="bench_ceiling"))
    urlpatterns.insert(0, path("bench/static/", ceiling_static, name="bench_static"))
