"""A provider's tracking webhooks (django-anymail) as bounces: bounced, rejected, complained.

Anymail checks the provider's webhook secret (basic auth `ANYMAIL["WEBHOOK_SECRET"]`, and the
provider's own signature, e.g. Mailgun's signing key) and normalises the event; we match it to the
outbox row by the `outbox_id` metadata every email carries (core/delivery.py), else by recipient
and the Message-ID, and record it through the one bounce service. Deferred and other events are
ignored.
"""

import logging

from anymail.signals import tracking
from django.dispatch import receiver

from .bounces import outbox_bounce_record
from .models import OutboundEmail

logger = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced": "bounced", "rejected": "rejected", "complained": "complained (spam)"}


def _row_id(event) -> int | None:
    outbox_id = str((event.metadata or {}).get("outbox_id", ""))
    if outbox_id.isdigit():
        return int(outbox_id)
    if event.recipient and event.message_id:
        for row in OutboundEmail.objects.filter(to__iexact=event.recipient).only("pk", "idempotency_key"):
            if row.message_id().strip("<>").split("@")[0] == str(event.message_id).strip("<> ").split("@")[0]:
                return row.pk
    return None


@receiver(tracking, dispatch_uid="core.webhooks.tracking_bounce")
def tracking_bounce(sender, event, esp_name, **kwargs):
    if event.event_type not in BOUNCE_EVENTS:
        return
    email_id = _row_id(event)
    if email_id is None:
        logger.warning("%s %s webhook ignored: no outbox row matches", esp_name, event.event_type)
        return
    detail = event.mta_response or event.description or event.reject_reason or ""
    reason = f"{esp_name}: {BOUNCE_EVENTS[event.event_type]} {detail}".strip()
    outbox_bounce_record(email_id=email_id, reason=reason, at=event.timestamp)
