"""Data kept only as long as needed (README «Operations»: retention), run daily by beat.

- Sessions: Django's `clearsessions` deletes expired sessions from the database (the cache expires
  its own copies).
- Outbox: after OUTBOX_RETENTION_DAYS the content an email was rendered from (its context: names,
  links, order lines) is removed; the row stays with recipient, kind, status, attempts and dates,
  as the record that the email was sent (or failed). Pending and unconfirmed rows are never touched:
  they still need their content to be sent.
- OpenID Connect tokens: expired ones are deleted by identity.tasks.oidc_tokens_clear.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)

PURGED_KEY = "purged_at"


def outbox_is_purged(email: OutboundEmail) -> bool:
    return isinstance(email.context, dict) and PURGED_KEY in email.context


def outbox_purge_old(*, now=None, days: int | None = None, batch: int = 1000) -> int:
    """Remove the content of sent and failed rows older than the retention period; returns rows."""
    now = now or timezone.now()
    days = settings.OUTBOX_RETENTION_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    done = (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED)
    purged = 0
    while True:
        ids = list(
            OutboundEmail.objects.filter(status__in=done, created_at__lt=cutoff)
            .exclude(context__has_key=PURGED_KEY)
            .order_by()
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        # One UPDATE per batch, each its own transaction: a long purge never holds many row locks.
        purged += OutboundEmail.objects.filter(pk__in=ids, status__in=done).update(
            context={PURGED_KEY: now.isoformat()}, reply_to="", updated_at=now
        )
    if purged:
        logger.info("outbox retention: removed the content of %d emails older than %d days", purged, days)
    return purged


def sessions_clear() -> None:
    call_command("clearsessions")
