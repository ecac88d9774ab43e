"""Sending an outbox row: rendering it in its language and the SMTP conversation, safe to repeat.

Called by the tasks in `core.tasks` (and by the admin preview, for `email_render`); it schedules
nothing itself, so the arrows stay one way: `core.email` (enqueue) → `core.tasks` → here.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from . import sendrate
from .bounces import outbox_bounce_record, verp_address
from .links import link_urls
from .models import OutboundEmail
from .smtp import Transmission

logger = logging.getLogger(__name__)

# Errors after which a later attempt may succeed: the server is down, slow, or said "try later"
# (or Redis, holding the sending rate limit's counter, is unreachable).
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, RedisError)


def email_render(email: OutboundEmail, *, sign_links: bool = True) -> EmailMultiAlternatives:
    """Build the message for an outbox row, in the row's language.

    The row's `links` are references (core.links.link_ref); they become URLs signed now, so no live
    link is ever stored. The admin preview passes `sign_links=False` and shows a placeholder.
    """
    stored = dict(email.context)
    links = link_urls(stored.pop("links", None), sign=sign_links)
    context = {"shop_name": settings.SHOP_NAME, "shop_url": settings.SHOP_URL, **stored, **links}
    with translation.override(email.language):
        subject = render_to_string(f"{email.template}_subject.txt", context)
        text = render_to_string(f"{email.template}.txt", context)
        try:
            html = render_to_string(f"{email.template}.html", context)
        except TemplateDoesNotExist:
            html = None
        builder = getattr(settings, "EMAIL_ATTACHMENTS", {}).get(email.kind)
        attachments = import_string(builder)(email) if builder else []
    subject = " ".join(subject.split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        # A stable Message-ID lets receiving servers drop the rare duplicate that could slip
        # through if a worker dies between the SMTP server's acceptance and our commit.
        headers={"Message-ID": email.message_id(), "X-Shop-Email-Kind": email.kind},
    )
    # The VERP envelope sender (core/bounces.py); `envelope_sender` is also what django-anymail
    # hands to a provider, and `metadata` comes back in the provider's tracking webhooks.
    message.envelope_sender = verp_address(email.pk) if email.pk else None
    message.metadata = {"outbox_id": str(email.pk)}
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def retry_delay(attempts: int) -> int:
    """Exponential backoff in seconds, capped well below the broker's visibility timeout."""
    return min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 1800)


def outbox_deliver(email_id: int) -> str:
    """Send one outbox row if it is still pending; safe to run any number of times.

    The row is locked while envelope and body go to the SMTP server; "sending" is committed before
    the end-of-data mark that makes the server deliver, and "sent" once it confirmed (see
    core/smtp.py for why). A second worker finds the row locked or no longer pending and does
    nothing. Returns the resulting status, or "skipped". Transient errors are recorded on the row
    and then raised, so the caller can retry. One row is a batch of one (`_deliver_batch`).
    """
    result, errors = _deliver_batch([email_id])
    status = result.get(email_id, "skipped")
    if status == "deferred":  # over the sending rate limit: still pending, due in the next window
        raise sendrate.RateLimited(sendrate.seconds_to_next_window())
    if email_id in errors and status != OutboundEmail.Status.FAILED:
        raise errors[email_id]
    return status


def outbox_deliver_many(email_ids: list[int]) -> dict[int, str]:
    """Send several outbox rows at once, with the same guarantees as `outbox_deliver`, faster.

    Each row goes over its own SMTP connection (up to `OUTBOX_BATCH_SIZE`, kept open between
    batches): envelope and body of every row are transmitted, "sending" is committed for all of them
    in one transaction, then the end-of-data marks go out and "sent" is committed for those the
    server confirmed. Two commits per batch instead of two per email, and the server works on the
    messages in parallel. A row the server refused or never confirmed goes back to pending with its
    backoff, exactly as in `outbox_deliver`; the caller reschedules it (returned status "pending").
    Rows locked by another worker or no longer pending are "skipped"; rows over the sending rate
    limit stay pending ("deferred").
    """
    result = dict.fromkeys(email_ids, "skipped")
    size = max(1, settings.OUTBOX_BATCH_SIZE)
    for start in range(0, len(email_ids), size):
        result.update(_deliver_batch(email_ids[start:start + size])[0])
    return result


def _deliver_batch(email_ids: list[int]) -> tuple[dict[int, str], dict[int, Exception]]:
    """The one sending path: statuses by id, and the error of each row that failed this attempt."""
    result = {}
    failed: list[tuple[OutboundEmail, Exception]] = []
    refused: list[tuple[OutboundEmail, smtplib.SMTPRecipientsRefused]] = []
    started: list[tuple[OutboundEmail, Transmission]] = []
    with transaction.atomic():
        rows = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
            .order_by("pk")
        )
        granted = sendrate.outbox_rate_acquire(len(rows))
        for email in rows[granted:]:
            _defer(email)
            result[email.pk] = "deferred"
        for email in rows[:granted]:
            email.attempts += 1
            transmission = Transmission(email_render(email))
            try:
                transmission.start()
            except smtplib.SMTPRecipientsRefused as exc:
                if _permanent(exc):
                    refused.append((email, exc))
                else:
                    _record_failure(email, exc)
                    failed.append((email, exc))
            except TRANSIENT_ERRORS as exc:
                _record_failure(email, exc)
                failed.append((email, exc))
            else:
                started.append((email, transmission))
        for email, exc in refused:
            # A permanent refusal (5xx at RCPT) is a bounce at send time: never retried.
            email.save(update_fields=["attempts", "updated_at"])
            outbox_bounce_record(email_id=email.pk, reason=_refusal_text(exc))
            result[email.pk] = OutboundEmail.Status.BOUNCED
        if started:
            OutboundEmail.objects.filter(pk__in=[email.pk for email, _t in started]).update(
                status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
            )
    # "sending" is committed for every started row: now the end-of-data marks, then the replies.
    confirmed = []
    for _email, transmission in started:
        transmission.end_of_data()
    for email, transmission in started:
        try:
            transmission.confirm()
        except TRANSIENT_ERRORS as exc:
            with transaction.atomic():
                row = OutboundEmail.objects.select_for_update().get(pk=email.pk)
                _record_failure(row, exc)
            failed.append((row, exc))
        else:
            confirmed.append(email.pk)
    if confirmed:
        now = timezone.now()
        # Once the server has the message, the row keeps no content: who, what kind, when and the
        # idempotency key stay (the audit trail; OUTBOX_RETENTION_DAYS removes old rows), the context
        # with names and link references is blanked, so a sent row can never be signed into a link.
        OutboundEmail.objects.filter(pk__in=confirmed).update(
            status=OutboundEmail.Status.SENT, sent_at=now, last_error="", updated_at=now, context={}
        )
        result.update(dict.fromkeys(confirmed, OutboundEmail.Status.SENT))
        logger.info("emails sent: ids=%s", confirmed)
    for email, exc in failed:
        logger.warning("email attempt %s failed for id=%s: %s", email.attempts, email.pk, exc)
        result[email.pk] = email.status
    return result, {email.pk: exc for email, exc in failed}


def _permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    return bool(exc.recipients) and all(500 <= code < 600 for code, _reply in exc.recipients.values())


def _refusal_text(exc: smtplib.SMTPRecipientsRefused) -> str:
    return "; ".join(
        f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
        for code, reply in exc.recipients.values()
    )


def _defer(email: OutboundEmail) -> None:
    """Over the sending rate limit: the row stays pending, due when the next window opens."""
    email.next_attempt_at = timezone.now() + timedelta(seconds=sendrate.seconds_to_next_window())
    email.save(update_fields=["next_attempt_at", "updated_at"])


def _record_failure(email: OutboundEmail, exc: Exception) -> None:
    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    email.status = (
        OutboundEmail.Status.FAILED
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        else OutboundEmail.Status.PENDING
    )
    email.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(email.attempts))
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "updated_at"])
