"""A wholesaler-sized, reproducible data set for benchmarks (`manage.py seed_bench`, bench settings).

PostgreSQL only: the big tables are written with COPY (psycopg 3 `cursor.copy()`), the rest with
bulk_create. Every random choice comes from one `random.Random(seed)`, so the same arguments give
the same data.

Everything seed_bench writes is recognisable, so `--reset` removes only that:
- branches: code starts with `B-`;
- customers: number starts with `B` (`B000001`…);
- users: email ends with `@bench.example.no` (all share one password, `BENCH_PASSWORD`);
- products: SKU starts with `B` (`B100001`…); their stock, net prices, cart and order lines go
  with them; categories are removed once no product is left in the database;
- legacy accounts (migration app, `--legacy-accounts`): username starts with `bench-`, they belong
  to bench customers; their events and moves go with the customers;
- outbox rows: recipient ends with `@bench.example.no` (the wave benchmark's invitations).

The first customer (`B000001`) is the one the benchmark logs in as (`BENCH_LOGIN`): it has net
prices, discounts, a long order history and an open cart with `CART_LINES` lines.
"""

from collections.abc import Callable

from .data import (
    BENCH_CUSTOMER,
    BENCH_DOMAIN,
    BENCH_LOGIN,
    BENCH_PASSWORD,
    CART_LINES,
    CUSTOMER_PREFIX,
    EXTRA_CATALOGUE,
    EXTRAS,
    LEGACY_PASSWORD,
    SERIES_LETTERS,
    BenchDataExists,
    SeedReport,
    Sizes,
)
from .seeder import Seeder
from .sql import bench_data_counts, bench_reset

__all__ = [
    "BENCH_CUSTOMER",
    "BENCH_DOMAIN",
    "BENCH_LOGIN",
    "BENCH_PASSWORD",
    "CART_LINES",
    "CUSTOMER_PREFIX",
    "EXTRAS",
    "EXTRA_CATALOGUE",
    "LEGACY_PASSWORD",
    "SERIES_LETTERS",
    "BenchDataExists",
    "SeedReport",
    "Sizes",
    "bench_data_counts",
    "bench_reset",
    "bench_seed",
]


def bench_seed(sizes: Sizes, *, seed: int = 1, log: Callable[[str], None] = print) -> SeedReport:
    """Write the bench data set; refuses (BenchDataExists) when bench data is already there."""
    present = {name: n for name, n in bench_data_counts().items() if n}
    if present:
        found = ", ".join(f"{n:,} {name}" for name, n in present.items())
        raise BenchDataExists(
            f"Databasen har allerede benkdata ({found}). Kjør med --reset for å slette dem og lage nye."
        )
    return Seeder(sizes, seed=seed, log=log).run()
