"""A long order history for one bench customer: «Mine ordre» search and export at scale.

    manage.py seed_order_history --settings=bench.settings [--orders 200000] [--customer B000001]

Separate from `seed_bench` (which spreads its orders over all customers, 400 of them for the bench
customer): this adds `orders` orders with 1–12 lines each to one customer, so the search, filters,
pagination and export of «Mine ordre» are measured where they are hardest, every order belonging to
the customer who searches. References repeat like real ones («Skole 3B» on one order in 500),
statuses and orderers vary, dates spread over five years. Written with COPY; the rows count as bench
data (`bench_reset` removes them with the customer). Reproducible from `seed`.
"""

import random
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Customer, Membership
from shop.caching import orders_changed
from shop.models import Order, OrderLine, Product

from .data import BENCH_CUSTOMER
from .sql import _copy, _money, _next_id, _sync_sequence

REFERENCES = ["", "", "", "Bolig 14B", "Prosjekt Solsiden", "Service", "Lager", "Kontorbygg Nord", "Hytte Geilo"]


def order_history_seed(
    *, orders: int = 200_000, customer_number: str = BENCH_CUSTOMER, seed: int = 7, log: Callable[[str], None] = print
) -> int:
    """Add `orders` orders (and their lines) to one customer; returns the number of order lines."""
    rng = random.Random(seed)
    customer = Customer.objects.select_related("branch").get(number=customer_number)
    users = list(Membership.objects.filter(customer=customer).values_list("user_id", flat=True)) or [None]
    products = list(Product.objects.filter(is_active=True).values_list("pk", "sku", "el_number", "name", "unit", "list_price")[:5000])
    statuses = [s for s, _label in Order.Status.choices]
    now = timezone.now()
    plan = []
    with transaction.atomic():
        first_id = _next_id(Order)

        def order_rows():
            for i in range(orders):
                pk = first_id + i
                created = now - timedelta(seconds=rng.randint(0, 5 * 365 * 86400))
                lines = rng.sample(products, rng.choice([1, 1, 2, 3, 4, 6, 8, 12]))
                quantities = [rng.choice([1, 2, 5, 10, 25, 50]) for _ in lines]
                total = sum(int(p[5] * 100) * q for p, q in zip(lines, quantities, strict=True))
                plan.append((pk, lines, quantities))
                vat = (total * 25 + 50) // 100
                reference = "Skole 3B" if i % 500 == 0 else rng.choice(REFERENCES) or f"PO-{rng.randint(10000, 99999)}"
                status = Order.Status.DELIVERED if (now - created).days > 14 else rng.choice(statuses)
                yield (
                    pk, customer.pk, customer.branch_id, rng.choice(users), uuid.UUID(int=rng.getrandbits(128), version=4),
                    status, Order.Delivery.PICKUP, customer.branch_id, "", "", "", "", reference, "",
                    _money(total), _money(vat), _money(total + vat), created, "",
                )

        count = _copy(
            Order,
            ["id", "customer_id", "branch_id", "user_id", "idempotency_token", "status", "delivery_method",
             "pickup_branch_id", "delivery_name", "delivery_street", "delivery_postal_code", "delivery_city",
             "reference", "comment", "total_excl_vat", "vat", "total_incl_vat", "created_at", "rejection_reason"],
            order_rows(),
        )
        log(f"ordre: {count:,}")

        def line_rows():
            for order_id, lines, quantities in plan:
                for (pk, sku, el, name, unit, price), quantity in zip(lines, quantities, strict=True):
                    yield (order_id, pk, sku, el, name, unit, quantity, price, price, price * quantity)

        lines = _copy(
            OrderLine,
            ["order_id", "product_id", "sku", "el_number", "name", "unit", "quantity", "list_price", "unit_price",
             "line_total"],
            line_rows(),
        )
        log(f"ordrelinjer: {lines:,}")
        _sync_sequence(Order)
        _sync_sequence(OrderLine)
        orders_changed([customer.pk])  # COPY sends no signal: «Mine ordre» of the customer is rendered anew
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shop_order; ANALYZE shop_orderline")
    return lines
