"""One scheduler: two beat processes against one Redis; only the lock holder dispatches, and each
migration reminder is sent once. When the holder stops, the other one takes over."""

import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from core.models import OutboundEmail
from migration.models import CustomerMove
from migration.services import customer_flag_for_move
from tests.factories import CustomerFactory
from tests.migration.conftest import LegacyAccountFactory

from .cluster import ROOT, Beat, app_env, stop_all, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
REMINDERS = "migration-reminders"


def _due_for_reminders(customers=2, accounts=3) -> list[str]:
    """Flagged customers whose deadline is 7 days away: each account is due its 7-day reminder."""
    emails = []
    for _ in range(customers):
        customer = CustomerFactory()
        emails += [LegacyAccountFactory(customer=customer).email for _ in range(accounts)]
        customer_flag_for_move(customer=customer, deadline=timezone.localdate() + timedelta(days=21))
    CustomerMove.objects.update(deadline=timezone.localdate() + timedelta(days=7))
    return emails


def _probe_beat(prefix: str) -> subprocess.CompletedProcess:
    env = app_env(BEAT_KEY_PREFIX=prefix, BEAT_MAX_LOOP_INTERVAL=1)
    return subprocess.run([sys.executable, "-m", "core.probe", "beat"], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=20)


@pytest.fixture
def beat_env(celery_worker):
    prefix = f"test-beat-{uuid.uuid4().hex[:8]}:"
    yield {
        "BEAT_KEY_PREFIX": prefix, "BEAT_MAX_LOOP_INTERVAL": 1, "BEAT_LOCK_TIMEOUT": 3,
        "MIGRATION_REMINDER_INTERVAL_SECONDS": 1, "CELERY_QUEUE": celery_worker.queue,
    }
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_two_beats_one_scheduler_each_reminder_once_and_a_takeover(beat_env, celery_worker, smtp_sink, tmp_path):
    addresses = _due_for_reminders()
    smtp_sink.wait_for(len(addresses))  # the invitations
    first = Beat(tmp_path / "beat-1.log", **beat_env).start()
    wait_until(first.has_lock, 30, message="the first beat holding the lock")
    second = Beat(tmp_path / "beat-2.log", **beat_env).start()
    try:
        reminders = OutboundEmail.objects.filter(kind="migration.reminder", status="sent")
        wait_until(lambda: reminders.count() == len(addresses), 30, message="every reminder sent")
        wait_until(lambda: first.sent(REMINDERS) >= 4, 15, message="a few more reminder runs")
        wait_until(lambda: "Starting..." in second.log, 30, message="the second beat up, waiting for the lock")
        time.sleep(2)  # two more ticks of the first beat
        assert not second.has_lock() and second.sent(REMINDERS) == 0

        probe = _probe_beat(beat_env["BEAT_KEY_PREFIX"])
        assert probe.returncode == 0, probe.stdout
        assert "lock held" in probe.stdout

        # The active beat stops (a deploy, a lost host): the waiting one takes over.
        first.stop()
        wait_until(second.has_lock, 15, message="the second beat taking over the lock")
        wait_until(lambda: second.sent(REMINDERS) >= 2, 15, message="the second beat dispatching")
    finally:
        stop_all([first, second])

    assert reminders.count() == len(addresses)
    received = [m["To"] for m in smtp_sink.messages]
    assert sorted(received) == sorted(addresses * 2), "one invitation and one reminder each, nothing twice"
    runs = first.sent(REMINDERS) + second.sent(REMINDERS)
    print(f"reminder task dispatched {runs} times by the two beats; {len(addresses)} reminders sent")

    stopped = _probe_beat(beat_env["BEAT_KEY_PREFIX"])
    assert stopped.returncode == 1 and "no beat holds the scheduler lock" in stopped.stdout
