"""Legacy import benchmark: `manage.py import_legacy` on a generated export of N accounts.

    DATABASE_URL=postgres://…/shop_x python bench/legacy_import_bench.py [--rows 60000] [--wrap-sample 1000]
        [--jobs 2] [--keep]

Runs in a scratch database next to DATABASE_URL (its name + `_legacy`), created and migrated here and
dropped afterwards (unless --keep). The export comes from bench/migration_import.py (salted SHA-1
hashes, a fifth of the rows main users, every tenth without email; N / 5 customers). Three timed
steps, each a separate process under `/usr/bin/time -v` (wall time, peak resident memory):

1. the load step (`import_legacy --skip-wrap`): every row new; target < 60 s for 60,000 rows;
2. a re-import of the same files (nothing changes);
3. the hash-wrapping step on a sample (`wrap_legacy_hashes --limit S --jobs J`): argon2 is
   deliberately slow, so its rate is reported separately and extrapolated to all rows.

Prints a table and writes JSON to bench/results/.
"""

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--wrap-sample", type=int, default=1000, help="hashes to wrap for the rate")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for wrapping")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    from bench import migration_import

    load_before = os.getloadavg()
    with scratch_database("legacy", keep=args.keep, REDIS_URL="") as env, tempfile.TemporaryDirectory() as tmp:
        random.seed(1)
        migration_import.main(args.rows, Path(tmp))
        customers, accounts = str(Path(tmp) / "customers.csv"), str(Path(tmp) / "accounts.csv")
        size_mb = (Path(accounts).stat().st_size + Path(customers).stat().st_size) / 1e6
        runs = []
        for label, command in [
            ("load (import_legacy --skip-wrap, all new)", ["import_legacy", customers, accounts, "--skip-wrap", "-v0"]),
            ("re-import (unchanged)", ["import_legacy", customers, accounts, "--skip-wrap", "-v0"]),
        ]:
            result = timed_manage(env, *command)
            result.update(label=label, rows=args.rows, rows_per_s=args.rows / result["seconds"])
            runs.append(result)
            print(f"  {label}: {result['seconds']:.1f} s, {result['rows_per_s']:,.0f} rows/s, "
                  f"peak {result['peak_rss_mb']:.0f} MB", flush=True)
        wrap = timed_manage(env, "wrap_legacy_hashes", "--limit", str(args.wrap_sample), "--jobs", str(args.jobs), "-v0")
        # The process start (Django set-up, ~1-2 s) is part of the timing: a slight underestimate.
        wrap.update(label=f"wrap {args.wrap_sample} hashes (--jobs {args.jobs})", rows=args.wrap_sample,
                    rows_per_s=args.wrap_sample / wrap["seconds"])
        wrap["extrapolated_minutes_all_rows"] = args.rows / wrap["rows_per_s"] / 60
        print(f"  {wrap['label']}: {wrap['seconds']:.1f} s, {wrap['rows_per_s']:,.1f} hashes/s "
              f"→ {wrap['extrapolated_minutes_all_rows']:.0f} min for {args.rows:,}", flush=True)
    load_after = os.getloadavg()

    print(f"\n{args.rows:,} legacy accounts ({args.rows // 5:,} customers), CSV {size_mb:.1f} MB, "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print("| step | seconds | rows/s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for run in [*runs, wrap]:
        print(f"| {run['label']} | {run['seconds']:.1f} | {run['rows_per_s']:,.1f} | {run['peak_rss_mb']:.0f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"legacy-import-{stamp}.json").write_text(json.dumps(
        {"rows": args.rows, "runs": runs, "wrap": wrap, "load_average": [load_before, load_after]}, indent=2))


if __name__ == "__main__":
    main()
