"""Faults injected into real services: a worker killed with SIGKILL, Redis restarted, SMTP down.

Each test sends a batch through the outbox with real Celery worker processes, a private Redis
server and a real SMTP server, then counts what the SMTP server received: every email exactly once.
`send_test_email --count` enqueues the way a wave of invitations does (batch tasks, several SMTP
connections per worker process, core.delivery.outbox_deliver_many).
Figures are printed (run with -s) and recorded in docs/RELIABILITY.md.
"""

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from core.models import OutboundEmail
from tests.fixtures.services import CeleryWorker, database_url_for_tests, free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BATCH = int(os.environ.get("FAULT_BATCH", "500"))


class PrivateRedis:
    """A Redis server of the test's own (no persistence), so restarting it disturbs nobody else."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",  # noqa: S607
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ok = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,  # noqa: S603,S607
                                text=True)
            if ok.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("private redis did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


class Rig:
    """Producer commands and workers sharing one private broker, queue and the test database."""

    def __init__(self, redis, smtp_sink):
        self.redis = redis
        self.sink = smtp_sink
        self.queue = f"fault-{uuid.uuid4().hex[:8]}"
        self.database_url = database_url_for_tests()
        self.env = {
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "CELERY_VISIBILITY_TIMEOUT": "30",
            "OUTBOX_STALE_AFTER_SECONDS": "3",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "EMAIL_TIMEOUT": "5",
        }
        self.workers = []

    def manage(self, *args):
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "config.settings.test",
               "DATABASE_URL": self.database_url, "REDIS_URL": self.redis.url,
               "EMAIL_URL": self.sink.url, "CELERY_QUEUE": self.queue}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,  # noqa: S603
                       capture_output=True)

    def worker(self):
        worker = CeleryWorker(database_url=self.database_url, email_url=self.sink.url, queue=self.queue,
                              redis_url=self.redis.url, extra_env=self.env)
        self.workers.append(worker.start())
        return worker

    def drain(self, timeout=120):
        """Wait for every email, sweeping for lost tasks as Celery beat would every few seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sink.messages) >= BATCH and not OutboundEmail.objects.pending().exists():
                break
            time.sleep(3)
            self.manage("outbox_sweep")
        time.sleep(3)  # anything sent twice would arrive now

    def report(self, name, **faults):
        received = Counter(m["To"] for m in self.sink.messages)
        duplicates = sum(count - 1 for count in received.values())
        statuses = Counter(OutboundEmail.objects.values_list("status", flat=True))
        print(f"\n[{name}] expected={BATCH} received={len(self.sink.messages)} distinct={len(received)} "
              f"duplicates={duplicates} statuses={dict(statuses)} {faults}")
        return received, duplicates, statuses

    def stop(self):
        for worker in self.workers:
            worker.stop()


@pytest.fixture
def rig(redis_server, smtp_sink):
    rig = Rig(redis_server, smtp_sink)
    yield rig
    rig.stop()


def wait_until(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def assert_exactly_once(received, duplicates, statuses):
    assert len(received) == BATCH, "every email arrived"
    assert duplicates == 0, "no email arrived twice"
    assert statuses.get("pending", 0) == 0 and statuses.get("failed", 0) == 0


def test_worker_killed_mid_batch_every_email_arrives_and_only_unconfirmed_ones_twice(rig):
    """SIGKILL mid-batch: nothing is lost. An email is sent twice only if its worker died between
    SMTP's end-of-data mark and the server's reply (RFC 1047: the sender cannot know), so at most
    one per message in flight; it carries the same Message-ID, which mail clients fold."""
    first = rig.worker()
    rig.manage("send_test_email", "kunde@firma.example", "--count", str(BATCH))
    wait_until(lambda: len(rig.sink.messages) >= BATCH // 5)
    first.kill()
    at_kill = len(rig.sink.messages)
    unconfirmed = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING).count()
    rig.worker()
    rig.drain()
    received, duplicates, statuses = rig.report("kill -9 worker", killed_at=at_kill, unconfirmed=unconfirmed)
    assert at_kill < BATCH, "the worker was killed in the middle of the batch"
    assert len(received) == BATCH, "every email arrived"
    assert statuses.get("pending", 0) == 0 and statuses.get("failed", 0) == 0
    # send_test_email --count sends in batches (like a wave): each worker process has up to
    # OUTBOX_BATCH_SIZE messages between end-of-data mark and reply at once.
    assert unconfirmed <= first.concurrency * settings.OUTBOX_BATCH_SIZE, "only messages in flight are unconfirmed"
    assert duplicates <= unconfirmed, "a second copy only where the server's answer never came"


def test_redis_restarted_mid_batch_nothing_lost_nothing_doubled(rig, redis_server):
    rig.worker()
    rig.manage("send_test_email", "kunde@firma.example", "--count", str(BATCH))
    wait_until(lambda: len(rig.sink.messages) >= BATCH // 5)
    redis_server.kill()  # the queue (no persistence) is gone with it
    at_restart = len(rig.sink.messages)
    redis_server.start()
    rig.drain()
    received, duplicates, statuses = rig.report("redis restart", restarted_at=at_restart)
    assert at_restart < BATCH
    assert_exactly_once(received, duplicates, statuses)


def test_smtp_server_down_for_a_while_then_everything_arrives_once(rig, smtp_sink):
    rig.worker()
    rig.manage("send_test_email", "kunde@firma.example", "--count", str(BATCH))
    wait_until(lambda: len(smtp_sink.messages) >= BATCH // 5)
    smtp_sink.stop()
    at_stop = len(smtp_sink.messages)
    time.sleep(5)
    waiting = OutboundEmail.objects.pending().count()
    smtp_sink.start()
    rig.drain()
    received, duplicates, statuses = rig.report("smtp down 5 s", stopped_at=at_stop, pending_while_down=waiting)
    assert waiting > 0, "rows waited while the server was down"
    assert_exactly_once(received, duplicates, statuses)
