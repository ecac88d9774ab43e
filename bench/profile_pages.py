"""Where each benchmarked page spends its time, in-process: total, template rendering, SQL.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/profile_pages.py [--pyinstrument PATH]

Runs every page 20 times with Django's test client (bench settings, bench customer, warm caches)
and prints ms per request, the share spent in `render()` (cProfile) and the SQL time. With
--pyinstrument PATH, prints a pyinstrument call tree for that one page instead.
"""

import cProfile
import os
import pstats
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
from queries import default_paths  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.seed import BENCH_LOGIN  # noqa: E402

RUNS = 20


def client() -> Client:
    c = Client()
    c.force_login(User.objects.get(email=BENCH_LOGIN))
    return c


def main():
    c = client()
    if len(sys.argv) > 2 and sys.argv[1] == "--pyinstrument":
        from pyinstrument import Profiler

        path = sys.argv[2]
        for _ in range(3):
            c.get(path)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(RUNS):
            c.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
        return
    print("| page | ms/request | rendering | SQL ms | other |")
    print("|---|---:|---:|---:|---:|")
    for path in default_paths() + ["/bench/ceiling/"]:
        for _ in range(3):
            c.get(path)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            for _ in range(RUNS):
                c.get(path)
        total = (time.perf_counter() - started) * 1000 / RUNS
        sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000 / RUNS
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(RUNS):
            c.get(path)
        profile.disable()
        stats = pstats.Stats(profile).stats
        whole = max(v[3] for k, v in stats.items() if k[2] == "get" and k[0].endswith("test/client.py"))
        render = sum(v[3] for k, v in stats.items() if k[0].endswith("django/shortcuts.py") and k[2] == "render")
        share = render / whole if whole else 0
        print(f"| {path} | {total:.1f} | {share:.0%} | {sql:.1f} | {max(total * (1 - share) - sql, 0):.1f} |")


if __name__ == "__main__":
    main()
