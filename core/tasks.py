from collections import Counter

from celery import shared_task

from . import email as outbox
from .sendrate import RateLimited


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
        from .sendrate import seconds_to_next_window

        retry = [pk for pk, status in result.items() if status == "pending"]
        deferred = [pk for pk, status in result.items() if status == "deferred"]
        for pk in retry:
            email = outbox.OutboundEmail.objects.filter(pk=pk).only("attempts").first()
            outbox_send.apply_async((pk,), countdown=outbox.retry_delay(email.attempts if email else 1))
        if deferred:
            outbox_send_many.apply_async((deferred,), countdown=seconds_to_next_window())
    return dict(Counter(result.values()))


@shared_task
def outbox_sweep() -> int:
    return outbox.outbox_sweep()


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
