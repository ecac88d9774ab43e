"""The one path every email takes: an outbox row now, a Celery task after commit.

Callers use `email_enqueue` inside the transaction that causes the email. The row and the state
change commit together or not at all; the task is scheduled only after commit; the unique
idempotency key means one event yields at most one email, however often it is enqueued.

The arrows run one way: this module (enqueue) → `core.tasks` (the Celery tasks) → `core.delivery`
(rendering and the SMTP conversation). Nothing here is imported back by the tasks or the delivery.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .models import OutboundEmail
from .tasks import outbox_send, outbox_send_many


def email_enqueue(
    *,
    key: str,
    kind: str,
    to: str,
    template: str,
    context: dict | None = None,
    language: str | None = None,
    reply_to: str = "",
) -> OutboundEmail:
    """Record an email in the outbox and send it once the current transaction commits.

    `template` names `<template>_subject.txt`, `<template>.txt` and optionally `<template>.html`;
    `context` must be JSON-serialisable (the task renders it later, in `language`).
    Enqueuing the same `key` again returns the existing row and sends nothing more.
    """
    email, created = OutboundEmail.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "to": to,
            "reply_to": reply_to,
            "template": template,
            "context": context or {},
            "language": language or translation.get_language() or settings.LANGUAGE_CODE,
        },
    )
    if created:
        outbox_schedule(email.pk)
    return email


def email_enqueue_many(emails: list[dict]) -> list[OutboundEmail]:
    """`email_enqueue` for many emails at once (a wave of invitations): two queries, not four each.

    `emails` are dicts of `email_enqueue`'s arguments. Keys already in the outbox are left as they
    are (nothing sent again); the new rows are returned and scheduled after commit. The caller holds
    the lock that makes these keys its own (the move button locks the customers): a concurrent
    insert of the same key makes the insert fail and the caller's transaction roll back, never a
    second email.
    """
    wanted = {e["key"]: e for e in emails}
    existing = set(
        OutboundEmail.objects.filter(idempotency_key__in=list(wanted)).values_list("idempotency_key", flat=True)
    )
    default_language = translation.get_language() or settings.LANGUAGE_CODE
    created = OutboundEmail.objects.bulk_create(
        OutboundEmail(
            idempotency_key=key,
            kind=e["kind"],
            to=e["to"],
            reply_to=e.get("reply_to", ""),
            template=e["template"],
            context=e.get("context") or {},
            language=e.get("language") or default_language,
        )
        for key, e in wanted.items()
        if key not in existing
    )
    for email in created:
        outbox_schedule(email.pk)
    return created


_batching = threading.local()


def outbox_schedule(email_id: int) -> None:
    """Schedule sending after commit (immediately when outside a transaction)."""
    # robust=True: the row is committed either way, and the sweeper (outbox_sweep, Celery beat)
    # sends what no task picked up. A broker outage right after commit must not turn work that
    # did commit into a 500 page (Django logs the failed callback).
    batch = getattr(_batching, "batch", None)
    if batch is not None:
        transaction.on_commit(lambda: batch.add(email_id), robust=True)
        return
    transaction.on_commit(lambda: outbox_send.delay(email_id), robust=True)


class _Batch:
    def __init__(self, size: int):
        self.size = size
        self.ids: list[int] = []
        self.open = True

    def add(self, email_id: int) -> None:
        if not self.open:  # committed after the block ended (an outer transaction): send alone
            outbox_send.delay(email_id)
            return
        self.ids.append(email_id)
        if len(self.ids) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.ids:
            ids, self.ids = self.ids, []
            outbox_send_many.delay(ids)


@contextmanager
def outbox_batch(size: int | None = None):
    """Inside this block, committed outbox rows are sent by one task per `size` rows, not one each.

    For code that enqueues many emails (a wave of invitations, send_test_email --count): fewer
    tasks, and each task sends its rows over `OUTBOX_BATCH_SIZE` SMTP connections with two
    commits per batch instead of two per email (see `outbox_deliver_many`). Rows are added only
    once their transaction commits; a process that dies inside the block leaves at most a batch
    of committed rows without a task, which the sweeper sends (as after a lost broker message).
    """
    batch = _Batch(size or settings.OUTBOX_BATCH_SIZE)
    outer = getattr(_batching, "batch", None)
    _batching.batch = batch
    try:
        yield batch
    finally:
        _batching.batch = outer
        batch.flush()
        batch.open = False


def outbox_resend(email: OutboundEmail) -> None:
    """Staff: send a failed (or unconfirmed "sending") row again, with a fresh set of attempts."""
    email.status = OutboundEmail.Status.PENDING
    email.attempts = 0
    email.next_attempt_at = timezone.now()
    email.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    outbox_schedule(email.pk)
