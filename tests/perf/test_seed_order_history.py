"""seed_order_history at a tiny size: the long history it writes is one the shop can search."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from accounts.models import Customer
from bench.seed import BENCH_CUSTOMER
from shop.order_history import order_search

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_bench_customer_gets_a_searchable_history_with_consistent_totals():
    call_command("seed_bench", "--products", "100", "--customers", "5", "--orders", "10", stdout=io.StringIO())
    customer = Customer.objects.get(number=BENCH_CUSTOMER)
    before = customer.orders.count()
    call_command("seed_order_history", "--orders", "1000", stdout=io.StringIO())
    assert customer.orders.count() == before + 1000
    assert order_search(customer=customer, text="skole 3b").count() == 2  # one order in 500
    order = customer.orders.order_by("-pk").first()
    assert order.lines.exists()
    assert order.lines.aggregate(total=Sum("line_total"))["total"] == order.total_excl_vat
