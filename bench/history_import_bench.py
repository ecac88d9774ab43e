"""Legacy history benchmark: `manage.py import_legacy_history` on a generated export.

    DATABASE_URL=postgres://…/shop_x python bench/history_import_bench.py [--orders 200000]
        [--lines-per-order 5] [--accounts 10000] [--keep]

Runs in a scratch database next to DATABASE_URL (its name + `_history`), created and migrated here
and dropped afterwards (unless --keep). The customers and legacy accounts come from
bench/migration_import.py (loaded with `import_legacy --skip-wrap`, untimed); then the old shop's
orders (spread over the customers, 2015–2025, both date formats, decimal commas), their lines
(varenummer, EL-nummer, names) and two favourites per account. Timed, each in its own process
under `/usr/bin/time -v` (wall time, peak resident memory):

1. the first load (every row new): target < 120 s for 200,000 orders + 1,000,000 lines;
2. a re-import of the same files (nothing changes).

Prints a table and writes JSON to bench/results/.
"""

import argparse
import json
import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database, timed_manage  # noqa: E402


def write_history(out: Path, *, orders: int, lines_per_order: int, accounts: int) -> None:
    customers = max(accounts // 5, 1)
    first = date(2015, 1, 1)
    with (out / "orders.csv").open("w", encoding="utf-8") as f, (out / "lines.csv").open("w", encoding="utf-8") as g:
        f.write("order_number;customer_number;username;ordered_at;reference;status;total_excl_vat\n")
        g.write("order_number;line_number;sku;el_number;name;quantity;unit;unit_price\n")
        for i in range(orders):
            account = random.randrange(accounts)
            day = first + timedelta(days=random.randrange(3900))
            when = day.isoformat() if i % 2 else day.strftime("%d.%m.%Y")
            f.write(
                f"G{1000000 + i};{500000 + account % customers};user{account};{when};Prosjekt {i % 997};"
                f"Levert;{random.randrange(100, 99999)},{random.randrange(100):02d}\n"
            )
            for n in range(1, lines_per_order + 1):
                product = random.randrange(50000)
                g.write(
                    f"G{1000000 + i};{n};{100000 + product};{3000000 + product:07d};Vare nummer {product};"
                    f"{random.randrange(1, 50)};stk;{random.randrange(5, 2000)},50\n"
                )
    with (out / "favourites.csv").open("w", encoding="utf-8") as f:
        f.write("username;customer_number;sku;el_number;quantity\n")
        for account in range(accounts):
            for n in range(2):
                f.write(f"user{account};{500000 + account % customers};{100000 + account * 2 + n};;{n + 1}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--lines-per-order", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    from bench import migration_import

    load_before = os.getloadavg()
    with scratch_database("history", keep=args.keep, REDIS_URL="") as env, tempfile.TemporaryDirectory() as tmp:
        random.seed(1)
        out = Path(tmp)
        migration_import.main(args.accounts, out)
        timed_manage(env, "import_legacy", str(out / "customers.csv"), str(out / "accounts.csv"), "--skip-wrap", "-v0")
        write_history(out, orders=args.orders, lines_per_order=args.lines_per_order, accounts=args.accounts)
        files = [str(out / name) for name in ("orders.csv", "lines.csv", "favourites.csv")]
        size_mb = sum(Path(p).stat().st_size for p in files) / 1e6
        rows = args.orders * (1 + args.lines_per_order)
        runs = []
        for label in ("first load (all new)", "re-import (unchanged)"):
            result = timed_manage(env, "import_legacy_history", *files, "-v0")
            result.update(label=label, rows=rows, rows_per_s=rows / result["seconds"])
            runs.append(result)
            print(f"  {label}: {result['seconds']:.1f} s, {result['rows_per_s']:,.0f} rows/s, "
                  f"peak {result['peak_rss_mb']:.0f} MB\n    {result['summary']}", flush=True)
    load_after = os.getloadavg()

    print(f"\n{args.orders:,} orders, {args.orders * args.lines_per_order:,} lines, {args.accounts * 2:,} "
          f"favourites; CSV {size_mb:.0f} MB; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print("| step | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for run in runs:
        print(f"| {run['label']} | {run['seconds']:.1f} | {run['rows_per_s']:,.0f} | {run['peak_rss_mb']:.0f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"history-import-{stamp}.json").write_text(json.dumps(
        {"orders": args.orders, "lines": args.orders * args.lines_per_order, "runs": runs,
         "load_average": [load_before, load_after]}, indent=2))


if __name__ == "__main__":
    main()
