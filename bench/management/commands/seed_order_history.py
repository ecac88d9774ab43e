"""Give one bench customer a long order history (see bench/seed/order_history.py).

    manage.py seed_order_history --settings=bench.settings [--orders 200000] [--customer B000001]
"""

import time

from django.core.management.base import BaseCommand

from bench.seed.data import BENCH_CUSTOMER
from bench.seed.order_history import order_history_seed


class Command(BaseCommand):
    help = "Legg en lang ordrehistorikk på én benkkunde (for søk og eksport i «Mine ordre»)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=200_000)
        parser.add_argument("--customer", default=BENCH_CUSTOMER)

    def handle(self, *args, orders, customer, **options):
        started = time.perf_counter()
        order_history_seed(orders=orders, customer_number=customer, log=self.stdout.write)
        self.stdout.write(f"Ferdig på {time.perf_counter() - started:.0f} s.")
