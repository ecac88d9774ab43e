"""Reminders before the deadline, once per account, move and threshold."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_enqueue
from core.models import OutboundEmail

from ..models import EventKind, LegacyAccount
from .common import EmailKind, email_key
from .events import migration_event_record
from .move import _move_email_context
from .state import legacy_account_lock


def reminders_send(*, now=None) -> int:
    """Remind legacy users who have not moved, 7 and 1 days before the deadline; once per threshold.

    Safe to run any number of times (hourly from beat): each (account, move, threshold) has one
    idempotency key and the account row is locked while deciding.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = sorted(settings.MIGRATION_REMINDER_DAYS)
    horizon = today + timedelta(days=max(thresholds))
    candidates = list(
        LegacyAccount.objects.not_moved()
        .invitable()
        .filter(
            customer__move__flagged_at__isnull=False,
            customer__move__deadline__gte=today,
            customer__move__deadline__lte=horizon,
        )
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            try:
                account = legacy_account_lock(pk, "customer__branch", "customer__move")
            except LegacyAccount.DoesNotExist:
                continue
            if not (account.is_not_moved and account.is_invitable):
                continue
            move = account.customer.move
            days_left = (move.deadline - today).days
            threshold = next((t for t in thresholds if days_left <= t), None)
            if threshold is None:
                continue
            key = email_key(EmailKind.REMINDER, account.pk, move.pk, threshold)
            if OutboundEmail.objects.filter(idempotency_key=key).exists():
                continue
            email_enqueue(
                key=key,
                kind=EmailKind.REMINDER,
                to=account.email,
                template="email/migration/reminder",
                context={**_move_email_context(account, move), "days_left": days_left},
            )
            migration_event_record(
                customer=account.customer,
                account=account,
                kind=EventKind.REMINDED,
                at=now,
                detail=_("%(days)s dager før fristen") % {"days": threshold},
            )
            sent += 1
    return sent
