"""Import benchmark: `manage.py import_catalogue` on a generated catalogue CSV.

    DATABASE_URL=postgres://…/shop_perf python bench/import_bench.py [--rows 100000] [--keep]

Runs in a scratch database next to DATABASE_URL (its name + `_import`), created and migrated
here and dropped afterwards (unless --keep), so the page benchmark's data stays as it is. Three
runs on the same file: the first import (every row new), a re-import (every row unchanged) and an
update (every tenth price changed). For each: wall time, rows/s and the peak resident memory of the
import process (`/usr/bin/time -v`, else getrusage of the child).
"""

import argparse
import csv
import json
import os
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database, timed_manage  # noqa: E402

COLUMNS = ["sku", "el_number", "ean", "name", "description", "manufacturer", "manufacturer_sku", "unit",
           "list_price", "category_path", "discount_group"]


def catalogue_rows(count: int, seed: int):
    """Realistic catalogue rows (the same assortment as seed_bench), valid EL-nummer and EAN-13."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django  # noqa: PLC0415

    django.setup()
    from bench.seed import EXTRA_CATALOGUE, EXTRAS, SERIES_LETTERS  # noqa: PLC0415
    from shop.demo import CATALOGUE, ean13  # noqa: PLC0415

    rng = random.Random(seed)
    entries = [*CATALOGUE, *EXTRA_CATALOGUE]
    el_numbers = rng.sample(range(1_000_000, 9_999_999), count)
    eans = rng.sample(range(0, 10_000_000_000), count)
    for i in range(count):
        path, manufacturers, unit, group, templates, variants = entries[i % len(entries)]
        template, base = rng.choice(templates)
        manufacturer = rng.choice(manufacturers)
        series = f"{manufacturer[:2].upper()}{rng.choice(SERIES_LETTERS)}{rng.randint(10, 999)}"
        extra = rng.choice(EXTRAS.get(unit, EXTRAS["stk"]))
        base_name = f"{manufacturer} {template.format(v=rng.choice(variants))}"
        name = " ".join(p for p in [base_name, "" if extra in base_name else extra, series] if p)
        price = f"{base * rng.uniform(0.6, 2.5):.2f}".replace(".", ",")
        yield {
            "sku": str(200001 + i), "el_number": str(el_numbers[i]), "ean": ean13(f"70{eans[i]:010d}"),
            "name": name, "description": f"{name}. Til profesjonell elinstallasjon.",
            "manufacturer": manufacturer, "manufacturer_sku": series, "unit": unit, "list_price": price,
            "category_path": path, "discount_group": group,
        }


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    with scratch_database("import", keep=args.keep) as env, tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "katalog.csv"
        rows = list(catalogue_rows(args.rows, args.seed))
        write_csv(first, rows)
        changed = Path(tmp) / "katalog-endret.csv"
        for row in rows[::10]:
            row["list_price"] = f"{float(row['list_price'].replace(',', '.')) + 1:.2f}".replace(".", ",")
        write_csv(changed, rows)
        size_mb = first.stat().st_size / 1e6
        runs = []
        for label, path in [("first import (all new)", first), ("re-import (unchanged)", first),
                            ("update (10 % prices changed)", changed)]:
            result = timed_manage(env, "import_catalogue", str(path), "--no-progress")
            result.update(label=label, rows=args.rows, rows_per_s=args.rows / result["seconds"])
            runs.append(result)
            print(f"  {label}: {result['seconds']:.1f} s, {result['rows_per_s']:,.0f} rows/s, "
                  f"peak {result['peak_rss_mb']:.0f} MB – {result['summary']}", flush=True)

    print(f"\n{args.rows:,} rows, CSV {size_mb:.1f} MB")
    print("| run | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for run in runs:
        print(f"| {run['label']} | {run['seconds']:.1f} | {run['rows_per_s']:,.0f} | {run['peak_rss_mb']:.0f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"import-{stamp}.json").write_text(json.dumps({"rows": args.rows, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
