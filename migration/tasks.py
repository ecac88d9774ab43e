from celery import shared_task

from . import importer, services


@shared_task(acks_late=True)
def send_reminders() -> int:
    """Beat, hourly: reminders 7 and 1 days before the deadline (once each per account)."""
    return services.reminders_send()


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def wrap_legacy_hashes(batch: int = 500) -> int:
    """Wrap one batch of pending legacy hashes, then queue the next: resumable across restarts."""
    wrapped = importer.legacy_hashes_wrap(limit=batch, batch=batch)
    if wrapped:
        wrap_legacy_hashes.delay(batch)
    return wrapped
