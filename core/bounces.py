"""Bounces: the VERP envelope sender, reading bounce messages, and the one service that records them.

Every outbox email goes out with the envelope sender `EMAIL_BOUNCE_ADDRESS` plus the row id and a
short HMAC (`retur+<id>-<hmac>@butikk.no`, VERP), so a bounce names the row it belongs to even when
the bounce quotes nothing of the original. Bounces arrive four ways and all end in
`outbox_bounce_record`: `manage.py receive_bounce` (an MTA's pipe), the IMAP poll (core/imap.py), a
provider's webhook through django-anymail (core/webhooks.py), and a permanent refusal at RCPT while
sending (core/delivery.py).

Only permanent failures count: a DSN with `Action: failed` and a 5.x.x status, or a non-standard
bounce with a 5xx code or one of the usual phrases. `Action: delayed`, 4.x.x and 4xx are ignored.
Anything we cannot read or match is logged and ignored (returns a reason, never raises), so an MTA
never retries the pipe in a loop.

Python's `email` package reads the MIME structure; we only pick fields out of `message/delivery-status`
(RFC 3464) ourselves, because the standard library has no DSN parser.
"""

import email
import email.policy
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import OutboundEmail
from .signals import email_bounced

logger = logging.getLogger(__name__)

_SALT = "core.bounces.verp"


def _signature(email_id: int) -> str:
    # Lower-case hex: some MTAs fold the case of local parts.
    return salted_hmac(_SALT, str(email_id)).hexdigest()[:12]


def verp_address(email_id: int) -> str | None:
    """The envelope sender for outbox row `email_id`, or None when bounce tracking is off."""
    base = settings.EMAIL_BOUNCE_ADDRESS
    if not base or "@" not in base:
        return None
    local, domain = base.rsplit("@", 1)
    return f"{local}+{email_id}-{_signature(email_id)}@{domain}"


_VERP = re.compile(r"\+(\d{1,18})-([0-9a-f]{12})@", re.IGNORECASE)


def verp_parse(address: str) -> int | None:
    """The outbox row id in a VERP address, if its signature is genuine."""
    match = _VERP.search(address or "")
    if not match:
        return None
    email_id = int(match.group(1))
    return email_id if hmac.compare_digest(match.group(2).lower(), _signature(email_id)) else None


@dataclass
class Bounce:
    """What a bounce message says: permanent or not, the reason, and how to find the row."""

    permanent: bool
    reason: str
    email_ids: list[int]
    message_ids: list[str]
    recipients: list[str]


_STATUS = re.compile(r"\b([245])\.\d{1,3}\.\d{1,3}\b")
_SMTP_CODE = re.compile(r"\b([45])\d\d[\s-]")
_PERMANENT_PHRASES = re.compile(
    r"user unknown|unknown user|no such (user|mailbox)|mailbox (unavailable|not found|does not exist)|"
    r"recipient address rejected|address rejected|does not exist|invalid recipient|"
    r"delivery to the following recipients? failed permanently|permanent(ly)? (error|failure)",
    re.IGNORECASE,
)
_TEMPORARY_PHRASES = re.compile(
    r"delayed|will (keep|be) retr|not yet been delivered|still trying|temporar", re.IGNORECASE
)
_MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _dsn_fields(part) -> list[dict]:
    """The per-recipient field groups of a message/delivery-status part (RFC 3464 §2.1)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package reads each group as a header block
        groups = [{k.lower(): str(v) for k, v in block.items()} for block in payload]
    else:
        text = payload if isinstance(payload, str) else ""
        groups = []
        for block in re.split(r"\r?\n\s*\r?\n", text):
            fields = {}
            for line in block.splitlines():
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.strip()
            groups.append(fields)
    return [g for g in groups if "action" in g or "status" in g]


def bounce_parse(raw: bytes) -> Bounce | None:
    """Read a bounce; None when it is not one (or unreadable)."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:  # the email package is lenient; anything left is garbage
        return None
    addresses = [message.get(h, "") for h in ("To", "Delivered-To", "X-Original-To", "Envelope-To", "Return-Path")]
    email_ids = [i for i in (verp_parse(str(a)) for a in addresses) if i is not None]
    texts, message_ids, recipients = [], [], []
    permanent = temporary = False
    reason = ""
    dsn_seen = False
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            dsn_seen = True
            for fields in _dsn_fields(part):
                action = fields.get("action", "").lower()
                status = fields.get("status", "")
                rcpt = fields.get("final-recipient") or fields.get("original-recipient") or ""
                if rcpt:
                    recipients.append(rcpt.split(";", 1)[-1].strip())
                if action == "failed" or status.startswith("5"):
                    if not status.startswith("4"):
                        permanent = True
                        reason = (fields.get("diagnostic-code", "").split(";", 1)[-1].strip() or status)[:500]
                        reason = f"{status} {reason}".strip() if status and status not in reason else reason
                elif action in ("delayed", "relayed", "delivered", "expanded") or status.startswith("4"):
                    temporary = True
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            inner = part.get_payload()
            inner_text = (
                inner[0].as_string() if isinstance(inner, list) and inner else str(part.get_payload(decode=False))
            )
            message_ids += _MESSAGE_ID.findall(inner_text)
            email_ids += [i for i in (verp_parse(a) for a in re.findall(r"[\w.+-]+@[\w.-]+", inner_text)) if i]
        elif ctype == "text/plain":
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    if not dsn_seen:
        # Non-standard bounces (qmail, Exchange, old Postfix/Exim): read the human text.
        text = "\n".join(texts)
        message_ids += _MESSAGE_ID.findall(text)
        email_ids += [i for i in (verp_parse(m.group(0)) for m in _ADDRESS.finditer(text)) if i]
        statuses = _STATUS.findall(text)
        codes = _SMTP_CODE.findall(text)
        if "5" in statuses or "5" in codes or _PERMANENT_PHRASES.search(text):
            permanent = not (("4" in statuses or "4" in codes) and "5" not in statuses + codes)
            line = next(
                (ln.strip() for ln in text.splitlines() if _STATUS.search(ln) or _PERMANENT_PHRASES.search(ln)),
                "",
            )
            reason = line[:500]
        elif "4" in statuses or "4" in codes or _TEMPORARY_PHRASES.search(text):
            temporary = True
        recipients += [m.group(0) for m in _ADDRESS.finditer(text) if verp_parse(m.group(0)) is None][:5]
        if not (permanent or temporary):
            return None
    return Bounce(
        permanent=permanent,
        reason=reason or "5.0.0",
        email_ids=list(dict.fromkeys(email_ids)),
        message_ids=list(dict.fromkeys(message_ids)),
        recipients=recipients,
    )


def outbox_bounce_record(*, email_id: int, reason: str, at=None) -> bool:
    """Mark the outbox row «I retur» with `reason` and tell listeners (`core.signals.email_bounced`).

    Locked and idempotent: a row already marked stays as it was and nothing is signalled twice.
    Returns True if the row was marked now.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutboundEmail.Status.BOUNCED:
            return False
        email.status = OutboundEmail.Status.BOUNCED
        email.bounce_reason = (reason or "")[:2000]
        email.bounced_at = at or timezone.now()
        email.save(update_fields=["status", "bounce_reason", "bounced_at", "updated_at"])
        email_bounced.send(sender=OutboundEmail, email=email, reason=email.bounce_reason)
    logger.info("email bounced: id=%s reason=%s", email_id, email.bounce_reason)
    return True


def _rows_by_message_id(message_ids: list[str]) -> list[int]:
    """Fallback when the VERP address is lost: the row whose Message-ID the bounce quotes.

    The Message-ID is a digest of the idempotency key, so it cannot be looked up by an index; the
    rows sent in the last weeks are few enough (a wave is 30,000) to compare in memory, by kind.
    """
    # By the local part only: the domain follows SHOP_URL, which a domain switch changes.
    wanted = {m.strip("<> ").split("@", 1)[0].lower() for m in message_ids}
    found = []
    since = timezone.now() - timedelta(days=settings.BOUNCE_MATCH_DAYS)
    rows = OutboundEmail.objects.filter(created_at__gte=since).only("pk", "idempotency_key").iterator(chunk_size=5000)
    for row in rows:
        if row.message_id().strip("<>").split("@", 1)[0].lower() in wanted:
            found.append(row.pk)
            if len(found) == len(wanted):
                break
    return found


def bounce_receive(raw: bytes) -> str:
    """The one service for an incoming bounce message; returns what happened (for logs and tests).

    "bounced" (rows marked), "temporary" (ignored), "unmatched" / "not a bounce" (logged, ignored).
    """
    bounce = bounce_parse(raw)
    if bounce is None:
        logger.warning("bounce ignored: not a bounce message (%d bytes)", len(raw))
        return "not a bounce"
    if not bounce.permanent:
        logger.info("bounce ignored: temporary failure")
        return "temporary"
    ids = bounce.email_ids or (_rows_by_message_id(bounce.message_ids) if bounce.message_ids else [])
    if not ids:
        logger.warning("bounce ignored: no outbox row matches (recipients %s)", ", ".join(bounce.recipients))
        return "unmatched"
    for email_id in ids:
        outbox_bounce_record(email_id=email_id, reason=bounce.reason)
    return "bounced"
