"""«Mine ordre» at scale and the order PDF: time per request, SQL queries, and PDF render time.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/order_history.py [--rounds 5]

Needs `seed_bench` and `seed_order_history` (bench/seed/order_history.py) in DATABASE_URL. In-process
with Django's test client, logged in as the bench customer's buyer, production settings (bench_env).
Every search is timed cold (cache cleared before each round: the count, the page and the rendered
table all computed) and warm (the same URL again); the median of the rounds is reported, with the
number of SQL queries of an export. Then the PDF of a short and of a long order is rendered.
"""

import argparse
import os
import re
import statistics
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

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.seed import BENCH_CUSTOMER, BENCH_LOGIN  # noqa: E402


def searches(customer):
    from shop.models import OrderLine

    line = OrderLine.objects.filter(order__customer=customer).values_list("sku", "el_number", "name").first()
    order = customer.orders.order_by("pk").first()
    word = line[2].split()[1] if len(line[2].split()) > 1 else line[2]
    return [
        ("list, page 1", "/ordre/"),
        ("list, page 200", "/ordre/?side=200"),
        ("order number", f"/ordre/?q={order.number}"),
        ("reference «Skole 3B»", "/ordre/?q=Skole+3B"),
        ("varenummer", f"/ordre/?q={line[0]}"),
        ("EL-nummer", f"/ordre/?q={line[1]}"),
        (f"product name word «{word}»", f"/ordre/?q={word}"),
        ("date range (one month)", "/ordre/?fra=2025-03-01&til=2025-03-31"),
        ("status + orderer", f"/ordre/?status=levert&bestilt_av={customer.memberships.first().user_id}"),
        ("reference + date range", "/ordre/?q=Skole+3B&fra=2024-01-01&til=2024-12-31"),
        ("no hit", "/ordre/?q=finnesikke"),
    ]


def timed(client, path):
    started = time.perf_counter()
    response = client.get(path)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return (time.perf_counter() - started) * 1000, response


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from django.core.management import call_command

    from accounts.models import Customer, User
    from shop.models import Order
    from shop.order_documents import order_pdf

    call_command("collectstatic", interactive=False, verbosity=0)  # production settings: hashed names
    customer = Customer.objects.get(number=BENCH_CUSTOMER)
    print(f"orders in the database: {Order.objects.count():,}; of {BENCH_CUSTOMER}: {customer.orders.count():,}")
    client = Client()
    client.force_login(User.objects.get(email=BENCH_LOGIN))
    print("\n| search | hits | cold ms (median) | warm ms (median) |\n|---|---:|---:|---:|")
    for label, path in searches(customer):
        cold, warm = [], []
        for _ in range(args.rounds):
            cache.clear()
            elapsed, response = timed(client, path)
            cold.append(elapsed)
            warm.append(timed(client, path)[0])
        found = re.search(r'<p role="status">([\d\s\xa0]+) ordre', response.content.decode())
        hits = re.sub(r"\D", "", found.group(1)) if found else "?"
        print(f"| {label} | {hits} | {statistics.median(cold):.1f} | {statistics.median(warm):.1f} |")

    print("\n| export | size | SQL queries | ms (median) |\n|---|---:|---:|---:|")
    for label, path in (("CSV, reference «Skole 3B»", "/ordre/eksport.csv?q=Skole+3B"),
                        ("XLSX, reference «Skole 3B»", "/ordre/eksport.xlsx?q=Skole+3B"),
                        ("CSV, one month", "/ordre/eksport.csv?fra=2025-03-01&til=2025-03-31"),
                        ("XLSX, one month", "/ordre/eksport.xlsx?fra=2025-03-01&til=2025-03-31")):
        times = []
        for _ in range(max(1, args.rounds // 2)):
            with CaptureQueriesContext(connection) as ctx:
                elapsed, response = timed(client, path)
            times.append(elapsed)
        size = f"{len(response.content):,} bytes" if not response.streaming else "streamed"
        print(f"| {label} | {size} | {len(ctx.captured_queries)} | {statistics.median(times):.0f} |")

    print("\n| PDF | lines | ms (median) |\n|---|---:|---:|")
    order_pdf(customer.orders.first())  # the first render loads Pango and the fonts
    by_lines = customer.orders.annotate(n=Count("lines"))
    for label, order in (("short order", by_lines.filter(n=1).first()), ("long order", by_lines.order_by("-n").first())):
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            order_pdf(order)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| {label} | {order.n} | {statistics.median(times):.0f} |")


if __name__ == "__main__":
    main()
