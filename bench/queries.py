"""Every SQL query of each benchmarked page with its time: where a slow page spends its database time.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/queries.py [--cold] [--anonymous] [path …]

Uses the bench settings and the bench customer (see bench/run.py); prints query count, total SQL
time and whole-request time per page, and the slowest queries with their SQL. --cold measures the
first view after a catalogue change; --anonymous a visitor who is not logged in.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import bench_env  # noqa: E402

os.environ.update(bench_env(8000))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.seed import BENCH_LOGIN  # noqa: E402
from shop.models import Category, OrderLine  # noqa: E402


def default_paths():
    slug = Category.objects.filter(parent=None, slug="kabel").values_list("slug", flat=True).first()
    sku, el = (
        OrderLine.objects.filter(order__customer__number="B000001", product__is_active=True)
        .values_list("product__sku", "product__el_number")
        .first()
    )
    return ["/", f"/sortiment/{slug}/", "/sok/?q=stikkontakt+hvit", f"/sok/?q={el}", f"/produkt/{sku}/",
            "/handlekurv/", "/ordre/"]


def main():
    from accounts.models import User
    from shop.caching import catalogue_changed

    args = sys.argv[1:]
    cold = "--cold" in args
    client = Client()
    if "--anonymous" not in args:
        client.force_login(User.objects.get(email=BENCH_LOGIN))
    for path in [a for a in args if not a.startswith("--")] or default_paths():
        client.get(path)
        if cold:
            catalogue_changed()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(f"\n{path}: {response.status_code}, {len(ctx.captured_queries)} queries, "
              f"SQL {sql_ms:.1f} ms, request {elapsed:.1f} ms")
        for query in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:4]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:700]}")


if __name__ == "__main__":
    main()
