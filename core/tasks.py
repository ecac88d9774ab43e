from celery import shared_task

from . import email as outbox


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def outbox_send(self, email_id: int) -> str:
    """Send one outbox row; retried with backoff while the SMTP server is unreachable."""
    try:
        return outbox.outbox_deliver(email_id)
    except outbox.TRANSIENT_ERRORS as exc:
        if self.request.is_eager:
            # No broker to come back later: the row stays pending for the sweeper / staff.
            return "pending"
        attempts = self.request.retries + 1
        raise self.retry(exc=exc, countdown=outbox.retry_delay(attempts)) from exc


@shared_task
def outbox_sweep() -> int:
    return outbox.outbox_sweep()


@shared_task(ignore_result=False)
def ping() -> str:
    """For health checks and tests: proves a worker consumes the broker and can answer."""
    return "pong"
