"""Bounce intake benchmark: 3,000 DSNs through the bounce service, and the per-message pipe cost.

    DATABASE_URL=postgres://…/shop_x python bench/bounce_bench.py [--dsns 3000] [--pipe-sample 20] [--keep]

In a scratch database next to DATABASE_URL (`<name>_bounces`): a wave of N outbox rows (invitations)
and N legacy accounts using those addresses, then
1. N DSNs (RFC 3464, to each row's VERP address) through `core.bounces.bounce_receive` in one process
   (what an IMAP poll or a long-running consumer does), each row → «I retur» → the legacy account
   «E-post i retur» with its event;
2. a sample of `manage.py receive_bounce < dsn` processes, one per message (an MTA pipe transport
   starts one per bounce), extrapolated to N;
3. N / 2 DSNs without the VERP address, matched by the quoted Message-ID (the fallback).

Prints a table and writes JSON to bench/results/.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402

DRIVER = r"""
import json, os, sys, time
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from accounts.models import Branch, Customer
from core.bounces import bounce_receive, verp_address
from core.models import OutboundEmail
from migration.models import LegacyAccount
from tests.core.bounces.samples import dsn

n, mode = int(sys.argv[1]), sys.argv[2]
if mode == "seed":
    branch = Branch.objects.create(code="BNC", name="Bounce")
    customers = Customer.objects.bulk_create(Customer(number=f"B{i:06d}", name=f"Kunde {i}", branch=branch)
                                             for i in range(n // 10 + 1))
    LegacyAccount.objects.bulk_create(LegacyAccount(username=f"b{i}", customer=customers[i // 10],
                                                    email=f"b{i}@kunde.example") for i in range(n))
    OutboundEmail.objects.bulk_create(OutboundEmail(idempotency_key=f"migration.invitation:{i}", kind="migration.invitation",
                                                    to=f"b{i}@kunde.example", template="email/migration/invitation",
                                                    status="sent") for i in range(n))
    print(json.dumps({"seeded": n}))
    sys.exit()
rows = list(OutboundEmail.objects.order_by("pk").values_list("pk", "to", "idempotency_key"))
if mode == "verp":
    messages = [dsn(to=verp_address(pk), recipient=to) for pk, to, _k in rows[:n]]
else:
    messages = []
    for pk, to, key in rows[-n:]:
        row = OutboundEmail(pk=pk, idempotency_key=key)
        messages.append(dsn(to="retur@butikk.example", recipient=to, message_id=row.message_id()))
start = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    outcomes = [bounce_receive(m) for m in messages]
seconds = time.perf_counter() - start
print(json.dumps({"n": n, "seconds": round(seconds, 2), "per_second": round(n / seconds, 1),
                  "queries_per_dsn": round(len(queries) / n, 1), "bounced": outcomes.count("bounced")}))
"""


def _driver(env, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", DRIVER, *args], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsns", type=int, default=3000)
    parser.add_argument("--pipe-sample", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    n = args.dsns
    total = n + args.pipe_sample + n // 2
    with scratch_database("bounces", keep=args.keep, EMAIL_BOUNCE_ADDRESS="retur@butikk.example",
                          DJANGO_SETTINGS_MODULE="config.settings.test") as env:
        _driver(env, str(total), "seed")
        verp = _driver(env, str(n), "verp")
        sys.path.insert(0, str(ROOT))
        pipe_seconds = []
        script = ("import django,sys;django.setup();from core.models import OutboundEmail;"
                  "from core.bounces import verp_address;from tests.core.bounces.samples import dsn;"
                  "r=OutboundEmail.objects.order_by('pk')[int(sys.argv[1])];"
                  "sys.stdout.buffer.write(dsn(to=verp_address(r.pk),recipient=r.to))")
        for i in range(args.pipe_sample):
            raw = subprocess.run([sys.executable, "-c", script, str(n + i)], env=env, cwd=ROOT, check=True,
                                 capture_output=True).stdout
            start = time.perf_counter()
            subprocess.run([sys.executable, "manage.py", "receive_bounce"], input=raw, env=env, cwd=ROOT,
                           check=True, capture_output=True)
            pipe_seconds.append(time.perf_counter() - start)
        per_pipe = sum(pipe_seconds) / len(pipe_seconds)
        fallback = _driver(env, str(n // 2), "message-id")
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dsns": n,
        "service_verp": verp,
        "pipe_per_message_s": round(per_pipe, 3),
        "pipe_extrapolated_s": round(per_pipe * n, 1),
        "service_message_id": fallback,
        "cpus": os.cpu_count(),
    }
    print(f"{n} DSNs via the service (VERP): {verp['seconds']} s, {verp['per_second']}/s, "
          f"{verp['queries_per_dsn']} queries/DSN")
    print(f"receive_bounce per process: {per_pipe:.2f} s → {per_pipe * n / 60:.1f} min for {n} (one at a time)")
    print(f"{n // 2} DSNs by Message-ID: {fallback['seconds']} s, {fallback['per_second']}/s")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"bounces-{result['at'][:10]}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
