from datetime import date, datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from . import importer, services
from .services.move import FLAG_CUSTOMERS_TASK


@shared_task(name=FLAG_CUSTOMERS_TASK, acks_late=True, reject_on_worker_lost=True)
def flag_customers(customer_ids: list, deadline: str, actor_id: int | None, now: str) -> int:
    """One part of a move-button wave (`services.customers_flag_wave`); safe to run again."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return services.customers_flag_chunk(
        customer_ids=customer_ids,
        deadline=date.fromisoformat(deadline),
        actor=actor,
        now=datetime.fromisoformat(now),
    )


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
