"""EMAIL_RATE_LIMIT_PER_MINUTE: workers share one sending budget in Redis; rows over it wait, none lost."""

import time
import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction

from core.email import email_enqueue, outbox_batch
from core.models import OutboundEmail
from tests.fixtures.services import CeleryWorker, database_url_for_tests

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WINDOW = 2  # seconds; the limit below is 600/minute, so 20 messages per window
PER_WINDOW = 20
EMAILS = 60


@pytest.fixture
def limited_workers(smtp_sink):
    """Two worker processes (concurrency 2 each) sending under a limit of 20 per 2-second window."""
    if not settings.REDIS_URL:
        pytest.fail("worker tests need REDIS_URL")
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    env = {"CELERY_TASK_ALWAYS_EAGER": "False", "EMAIL_RATE_LIMIT_PER_MINUTE": str(PER_WINDOW * 60 // WINDOW),
           "EMAIL_RATE_LIMIT_WINDOW_SECONDS": str(WINDOW), "OUTBOX_BATCH_SIZE": "8"}
    workers = [CeleryWorker(database_url=database_url_for_tests(), email_url=smtp_sink.url, queue=queue,
                            extra_env=env).start() for _ in range(2)]
    yield workers
    for worker in workers:
        worker.stop()
    app.conf.task_always_eager, app.conf.task_default_queue = saved


def test_a_wave_over_the_limit_is_spread_over_windows_and_every_email_arrives_once(limited_workers, smtp_sink):
    arrivals = []
    first_window = int(time.time() // WINDOW)
    with outbox_batch(), transaction.atomic():
        for n in range(EMAILS):
            email_enqueue(key=f"rate:{n}", kind="test", to=f"kunde{n}@firma.example", template="email/core/test",
                          context={"name": str(n)})
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and seen < EMAILS:
        count = len(smtp_sink.messages)
        arrivals += [time.time()] * (count - seen)
        seen = count
        time.sleep(0.02)
    time.sleep(1.5)  # anything sent twice would arrive now
    received = Counter(m["To"] for m in smtp_sink.messages)
    assert len(received) == EMAILS and set(received.values()) == {1}, "every email once"
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
    # 60 messages at 20 per window need three windows: at least one whole window passes.
    assert arrivals[-1] - arrivals[0] >= WINDOW * 0.9
    per_window = Counter(int(t // WINDOW) for t in arrivals)
    # Never more than the windows so far allow (counted from the enqueue: a message granted at the
    # end of one window may arrive in the next, so per-window arrival counts alone would mislead).
    for window in range(first_window, max(per_window) + 1):
        arrived = sum(n for w, n in per_window.items() if w <= window)
        assert arrived <= PER_WINDOW * (window - first_window + 1), (window - first_window, per_window)
    print(f"\nrate limit {PER_WINDOW}/{WINDOW}s, 2 workers: {EMAILS} emails in "
          f"{arrivals[-1] - arrivals[0]:.1f} s, per window {sorted(per_window.values())}")


def test_one_by_one_a_row_over_the_limit_stays_pending_without_an_attempt(settings, smtp_sink):
    """The single-row path (outbox_send): the second message in the window waits for the next one."""
    from core import sendrate
    from core.delivery import outbox_deliver

    settings.EMAIL_RATE_LIMIT_PER_MINUTE = 1
    settings.EMAIL_RATE_LIMIT_WINDOW_SECONDS = 60
    for key in sendrate._redis().scan_iter("outbox:rate:*"):
        sendrate._redis().delete(key)
    first, second = (OutboundEmail.objects.create(idempotency_key=f"one:{n}", kind="test", to=f"e{n}@firma.example",
                                                  template="email/core/test", context={}) for n in range(2))
    assert outbox_deliver(first.pk) == OutboundEmail.Status.SENT
    with pytest.raises(sendrate.RateLimited) as limited:
        outbox_deliver(second.pk)
    assert 0 < limited.value.countdown <= 61
    second.refresh_from_db()
    assert second.status == OutboundEmail.Status.PENDING and second.attempts == 0
    assert second.next_attempt_at > first.created_at
    assert len(smtp_sink.wait_for(1)) == 1
