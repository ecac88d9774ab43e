"""Wave benchmark: the move button for N customer numbers, invitations sent by 2 Celery processes.

    DATABASE_URL=postgres://… REDIS_URL=redis://…/4 python bench/wave.py [--customers 10000]
        [--concurrency 2] [--rate-limit 0] [--timeout 900]

Needs the bench data set with legacy accounts (`manage.py seed_bench --settings=bench.settings --legacy-accounts 60000`).
Re-runnable: the first N bench customers (by number) are put back as imported first (moves, wave
events and invitation rows removed). Then, with a local aiosmtpd sink and one Celery worker with
`--concurrency` processes on a queue of its own (broker: REDIS_URL; give it a Redis DB of its own):

- the admin action «Flytt til ny nettbutikk» is run for the N customers (the ModelAdmin's action
  with the deadline page's POST, as a bench staff user, in a transaction like a request), timed:
  validation, counts and queueing (`customers_flag_wave`), and the messages for staff;
- emails/s end to end: from that call to the last invitation received by the sink;
- duplicates: (Message-ID, recipient) pairs received more than once, outbox rows per idempotency
  key and per legacy account, and every invited account with exactly one «Invitert» event.

Prints a table and writes JSON to bench/results/.
"""

import argparse
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


class Sink:
    """aiosmtpd on loopback that keeps (Message-ID, recipient) and the time of the last message."""

    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.pairs = Counter()
        self.count = 0
        self.first = self.last = None
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        headers = self.parser.parsebytes(envelope.original_content or envelope.content)
        now = time.perf_counter()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.pairs[(headers["Message-ID"], rcpt.lower())] += 1
                self.count += 1
            self.first = self.first or now
            self.last = now
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def worker_start(env: dict, concurrency: int, queue: str) -> subprocess.Popen:
    from celery import Celery

    hostname = f"wave-{uuid.uuid4().hex[:6]}@%h"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", str(concurrency),
         "-n", hostname, "-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env,
    )
    probe = Celery(broker=env["REDIS_URL"], set_as_current=False)
    name = hostname.replace("%h", socket.gethostname())
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit("The Celery worker exited during start-up.")
            if probe.control.ping(destination=[name], timeout=0.5):
                return process
    finally:
        probe.close()
    process.kill()
    sys.exit("The Celery worker did not answer.")


def worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wave_reset(customer_ids: list[int]) -> None:
    """Put the customers back as imported, as if the move button had never been pressed."""
    from django.db import connection, transaction

    from core.models import OutboundEmail
    from migration.models import CustomerMove, EventKind, LegacyAccount, MigrationEvent, State

    with transaction.atomic():
        accounts = LegacyAccount.objects.filter(customer_id__in=customer_ids)
        OutboundEmail.objects.filter(
            kind="migration.invitation", to__in=accounts.exclude(email="").values("email")
        ).delete()
        MigrationEvent.objects.filter(customer_id__in=customer_ids).exclude(kind=EventKind.IMPORTED).delete()
        CustomerMove.objects.filter(customer_id__in=customer_ids).delete()
        accounts.exclude(state=State.IMPORTED).update(state=State.IMPORTED)
    with connection.cursor() as cursor:
        for table in ("core_outboundemail", "migration_migrationevent", "migration_legacyaccount",
                      "migration_customermove"):
            cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608 (fixed table names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--rate-limit", type=int, default=0, help="EMAIL_RATE_LIMIT_PER_MINUTE for the workers")
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the database seed_bench --legacy-accounts filled).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL=redis://…/<db> (the broker; a Redis DB of the benchmark's own).")
    sink = Sink()
    sink.start()
    queue = f"wave-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "EMAIL_RATE_LIMIT_PER_MINUTE": str(args.rate_limit),
        "CACHE_KEY_PREFIX": "wave",
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DEBUG", "LOG_LEVEL", "CELERY_QUEUE",
                                           "EMAIL_URL", "EMAIL_RATE_LIMIT_PER_MINUTE", "CACHE_KEY_PREFIX")})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib import admin as django_admin
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.db import transaction
    from django.db.models import Count
    from django.test import RequestFactory

    from accounts.models import Customer, User
    from bench.seed import BENCH_DOMAIN, CUSTOMER_PREFIX
    from core.models import OutboundEmail
    from migration.models import CustomerMove, EventKind, LegacyAccount, MigrationEvent, State
    from migration.services import deadline_bounds

    customer_ids = list(
        Customer.objects.filter(number__startswith=CUSTOMER_PREFIX, legacy_accounts__isnull=False)
        .distinct().order_by("number").values_list("pk", flat=True)[: args.customers]
    )
    if len(customer_ids) < args.customers:
        sys.exit(f"Only {len(customer_ids)} bench customers with legacy accounts: "
                 "run manage.py seed_bench --settings=bench.settings --legacy-accounts 60000 first.")
    started = time.perf_counter()
    wave_reset(customer_ids)
    print(f"reset {len(customer_ids):,} customers in {time.perf_counter() - started:.1f} s", flush=True)
    worker = worker_start(env, args.concurrency, queue)
    load_before = os.getloadavg()
    try:
        customers = Customer.objects.filter(pk__in=customer_ids)
        expected = LegacyAccount.objects.filter(customer_id__in=customer_ids, is_active=True, state=State.IMPORTED) \
            .exclude(email="").count()
        staff, _created = User.objects.get_or_create(
            email=f"wave-staff@{BENCH_DOMAIN}", defaults={"is_staff": True, "is_superuser": True, "name": "Bølge"}
        )
        model_admin = django_admin.site._registry[Customer]
        request = RequestFactory().post("/admin/accounts/customer/", {
            "action": "flag_for_move", "select_across": "1", "apply": "1",
            "deadline": deadline_bounds()[1].isoformat(),
        })
        # A wave this size asks for the password again (STAFF_REAUTH_WAVE_SIZE): the session says
        # the staff member just gave it, as allauth records it.
        request.user, request.session = staff, {
            "account_authentication_methods": [{"method": "password", "at": time.time(), "reauthenticated": True}],
            "account_authentication_methods_user": str(staff.pk),
        }
        request._messages = FallbackStorage(request)
        t0 = time.perf_counter()
        with transaction.atomic():
            response = model_admin.flag_for_move(request, customers)
        action_seconds = time.perf_counter() - t0
        assert response is None, "the action redirects back to the list"
        staff_messages = [str(m) for m in get_messages(request)]
        print(f"action returned in {action_seconds:.2f} s; messages:", *staff_messages, sep="\n  ", flush=True)
        flagged_at = None
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            time.sleep(1)
            if flagged_at is None and CustomerMove.objects.filter(
                customer_id__in=customer_ids, flagged_at__isnull=False
            ).count() == len(customer_ids):
                flagged_at = time.perf_counter()
            with sink.lock:
                received = sink.count
            print(f"  {time.perf_counter() - t0:6.0f} s: {received:,}/{expected:,} received", flush=True)
            if received >= expected and flagged_at:
                time.sleep(3)  # anything sent twice would arrive now
                break
        load_during = os.getloadavg()
    finally:
        worker_stop(worker)
        sink.stop()

    with sink.lock:
        received, last, first = sink.count, sink.last, sink.first
        duplicate_pairs = sum(n - 1 for n in sink.pairs.values() if n > 1)
        distinct = len(sink.pairs)
    end_to_end = (last - t0) if last else float("nan")
    invitations = OutboundEmail.objects.filter(kind="migration.invitation",
                                               to__in=LegacyAccount.objects.filter(customer_id__in=customer_ids)
                                               .values("email"))
    statuses = dict(Counter(invitations.values_list("status", flat=True)))
    per_key = invitations.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_recipient = invitations.values("to").annotate(n=Count("pk")).filter(n__gt=1).count()
    invited = LegacyAccount.objects.filter(customer_id__in=customer_ids, state=State.INVITED)
    events = MigrationEvent.objects.filter(customer_id__in=customer_ids, kind=EventKind.INVITED)
    events_per_account = events.values("account").annotate(n=Count("pk")).filter(n__gt=1).count()
    result = {
        "customers": len(customer_ids),
        "invitations_expected": expected,
        "admin_messages": staff_messages,
        "concurrency": args.concurrency,
        "rate_limit_per_minute": args.rate_limit,
        "action_seconds": round(action_seconds, 3),
        "flagging_seconds": round(flagged_at - t0, 1) if flagged_at else None,
        "end_to_end_seconds": round(end_to_end, 1),
        "emails_per_second": round(received / end_to_end, 1) if last else 0,
        "sink_busy_seconds": round(last - first, 1) if last else None,
        "received": received,
        "distinct_message_recipient": distinct,
        "duplicates_at_sink": duplicate_pairs,
        "outbox_statuses": statuses,
        "outbox_rows_per_key_over_1": per_key,
        "outbox_rows_per_recipient_over_1": per_recipient,
        "accounts_invited": invited.count(),
        "invited_events": events.count(),
        "accounts_with_more_than_one_invited_event": events_per_account,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_during],
    }
    print()
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(f"| customers flagged | {result['customers']:,} | 10,000 |")
    print(f"| invitations received / expected | {received:,} / {expected:,} | all |")
    print(f"| admin action returns (enqueue only) | {action_seconds:.2f} s | < 2 s |")
    print(f"| all customers flagged after | {result['flagging_seconds']} s | |")
    print(f"| last invitation received after | {result['end_to_end_seconds']} s | |")
    print(f"| emails/s end to end | {result['emails_per_second']} | ≥ 200 |")
    print(f"| duplicates at the sink (Message-ID, recipient) | {duplicate_pairs} | 0 |")
    print(f"| outbox rows per key / per recipient > 1 | {per_key} / {per_recipient} | 0 |")
    print(f"| accounts invited / «Invitert» events / accounts with > 1 | {result['accounts_invited']:,} / "
          f"{result['invited_events']:,} / {events_per_account} | |")
    print(f"| outbox statuses | {statuses} | all sent |")
    print(f"| load average before / at the end | {load_before[0]:.2f} / {load_during[0]:.2f} | |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"wave-{stamp}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
