"""The outbox's Celery tasks: they take row ids, call `core.delivery`, and retry with backoff.

Scheduled by `core.email` after commit (and by beat: the sweep); they import the delivery, never
the enqueue side, so the arrows run one way (enqueue → task → delivery).
"""

import logging
from collections import Counter
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import delivery as outbox
from .models import OutboundEmail
from .sendrate import RateLimited, seconds_to_next_window

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def outbox_send(self, email_id: int) -> str:
    """Send one outbox row; retried with backoff while the SMTP server is unreachable."""
    try:
        return outbox.outbox_deliver(email_id)
    except RateLimited as exc:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=exc, countdown=exc.countdown) from exc
    except outbox.TRANSIENT_ERRORS as exc:
        if self.request.is_eager:
            # No broker to come back later: the row stays pending for the sweeper / staff.
            return "pending"
        attempts = self.request.retries + 1
        raise self.retry(exc=exc, countdown=outbox.retry_delay(attempts)) from exc


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def outbox_send_many(self, email_ids: list[int]) -> dict:
    """Send a batch of outbox rows (`core.email.outbox_batch`); failed rows retry one by one.

    Run twice (a worker died and the broker redelivered), rows already sent are skipped.
    """
    try:
        result = outbox.outbox_deliver_many(email_ids)
    except outbox.TRANSIENT_ERRORS as exc:  # Redis (rate limit) or the database: try the batch later
        if self.request.is_eager:
            return {"pending": len(email_ids)}
        raise self.retry(exc=exc, countdown=outbox.retry_delay(self.request.retries + 1)) from exc
    if not self.request.is_eager:
        retry = [pk for pk, status in result.items() if status == "pending"]
        deferred = [pk for pk, status in result.items() if status == "deferred"]
        for pk in retry:
            email = OutboundEmail.objects.filter(pk=pk).only("attempts").first()
            outbox_send.apply_async((pk,), countdown=outbox.retry_delay(email.attempts if email else 1))
        if deferred:
            outbox_send_many.apply_async((deferred,), countdown=seconds_to_next_window())
    return dict(Counter(result.values()))


@shared_task
def outbox_sweep() -> int:
    """Re-enqueue rows whose task seems lost; returns how many were re-enqueued.

    Pending rows well past their due time lost their task (a broker restart, a dead worker). Rows
    still "sending" that long had their worker die between SMTP's end-of-data mark and the
    server's reply: we cannot know whether the server kept the message (RFC 1047). They are sent
    again, because a lost activation email blocks a customer while a rare second copy (with the same
    Message-ID, which mail clients fold) does no harm.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_STALE_AFTER_SECONDS)
    unconfirmed = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, updated_at__lt=cutoff)
        .values_list("pk", flat=True)[:5000]
    )
    if unconfirmed:
        OutboundEmail.objects.filter(pk__in=unconfirmed, status=OutboundEmail.Status.SENDING).update(
            status=OutboundEmail.Status.PENDING,
            last_error="Unconfirmed: the worker stopped before the SMTP server answered; sent again.",
            next_attempt_at=now,
            updated_at=now,
        )
    ids = unconfirmed + list(OutboundEmail.objects.stale(older_than=cutoff).values_list("pk", flat=True)[:5000])
    for email_id in ids:
        outbox_send.delay(email_id)
    if ids:
        logger.info("outbox sweep re-enqueued %d emails (%d unconfirmed)", len(ids), len(unconfirmed))
    return len(ids)


@shared_task
def bounces_poll_imap() -> dict:
    """Beat: read the bounce mailbox (`BOUNCE_IMAP_URL`), when configured."""
    from .imap import bounces_poll_imap as poll

    return poll()


@shared_task(ignore_result=False)
def ping() -> str:
    """For health checks and tests: proves a worker consumes the broker and can answer."""
    return "pong"


@shared_task
def outbox_purge() -> int:
    """Beat, daily: remove the content of outbox rows past OUTBOX_RETENTION_DAYS (core.retention)."""
    from .retention import outbox_purge_old

    return outbox_purge_old()


@shared_task
def sessions_clear() -> None:
    """Beat, daily: delete expired sessions (Django's clearsessions)."""
    from .retention import sessions_clear as clear

    clear()
