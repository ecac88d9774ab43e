"""Fill a PostgreSQL database with a wholesaler-sized, reproducible data set for benchmarks.

    manage.py seed_bench --settings=bench.settings [--products 100000] [--customers 20000] [--orders 200000]
                          [--legacy-accounts 0] [--seed 1] [--reset]

See bench/seed/ for what is written and how it is recognised; docs/PERFORMANCE.md for the
benchmarks that use it. Refuses when bench data is already present unless --reset is given.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.seed import BENCH_LOGIN, BENCH_PASSWORD, BenchDataExists, Sizes, bench_reset, bench_seed


class Command(BaseCommand):
    help = "Lag et stort, reproduserbart datasett for ytelsestester (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100_000)
        parser.add_argument("--customers", type=int, default=20_000)
        parser.add_argument("--orders", type=int, default=200_000)
        parser.add_argument(
            "--legacy-accounts", type=int, default=0,
            help="Brukere i dagens nettbutikk (flytteappen), jevnt fordelt på kundene; 60000 gir ~3 per kunde.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Startverdi for tilfeldige valg.")
        parser.add_argument("--reset", action="store_true", help="Slett eksisterende benkdata først.")

    def handle(self, *args, products, customers, orders, legacy_accounts, seed, reset, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench trenger PostgreSQL (DATABASE_URL=postgres://…).")
        if products < 1 or customers < 1 or orders < 0 or legacy_accounts < 0:
            raise CommandError("--products og --customers må være minst 1, --orders og --legacy-accounts minst 0.")
        if reset:
            started = time.perf_counter()
            bench_reset(log=self.stdout.write)
            self.stdout.write(f"  slettet på {time.perf_counter() - started:.1f} s")
        self.stdout.write(
            f"Lager benkdata: {products:,} produkter, {customers:,} kunder, {orders:,} ordre, "
            f"{legacy_accounts:,} brukere i dagens nettbutikk (seed {seed})"
        )
        try:
            report = bench_seed(Sizes(products=products, customers=customers, orders=orders,
                                legacy_accounts=legacy_accounts), seed=seed,
                                log=self.stdout.write)
        except BenchDataExists as error:
            raise CommandError(str(error))
        total = dict(report.timings)["totalt"]
        self.stdout.write(self.style.SUCCESS(f"Ferdig på {total:.1f} s. Logg inn som {BENCH_LOGIN} / {BENCH_PASSWORD}"))
