"""The shop's URLs plus, with BENCH_CEILING=1, the bare views that mark the ceiling of the stack.

Three reference rows, each through the same middleware as every page, touching neither the
database nor the session:

- `bench/bare/`: a bare Django view rendering a static ~5.8 KB template (no variable lookups)
  through the project's template engine and loaders: the reference every page is compared with;
- `bench/ceiling/`: the same page from a template with 150 variable lookups;
- `bench/static/`: the same bytes without the template engine (the middleware stack alone).
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.template import Context, Engine
from django.template.loader import get_template
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as shop_urlpatterns

_TEMPLATE = Engine().from_string((Path(__file__).parent / "ceiling.html").read_text(encoding="utf-8"))
_ITEMS = [{"name": f"Vare {n}", "price": f"{n * 10},00"} for n in range(1, 31)]


def bare(request):
    """A static template (bench/templates/bench/bare.html: ceiling.html rendered once) rendered per request."""
    return HttpResponse(get_template("bench/bare.html").render())


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
    urlpatterns.insert(0, path("bench/bare/", bare, name="bench_bare"))
