"""The optional bounce mailbox (`BOUNCE_IMAP_URL`, `imaps://user:pass@host[:port]/INBOX`), polled by beat.

Each unseen message goes through the one bounce service (`core.bounces.bounce_receive`) and is then
moved to `BOUNCE_IMAP_DONE_FOLDER` (when set) or flagged \\Seen, so it is handled once. A message
the service cannot use is logged and flagged all the same: never an error loop. Python's imaplib
speaks the protocol; there is nothing in Django for reading a mailbox.
"""

import imaplib
import logging
import ssl
from urllib.parse import unquote, urlsplit

from django.conf import settings

from .bounces import bounce_receive

logger = logging.getLogger(__name__)


def _connect(url: str):
    parts = urlsplit(url)
    if parts.scheme == "imaps":
        client = imaplib.IMAP4_SSL(parts.hostname, parts.port or 993, ssl_context=ssl.create_default_context())
    elif parts.scheme == "imap":
        client = imaplib.IMAP4(parts.hostname, parts.port or 143)
    else:
        raise ValueError(f"BOUNCE_IMAP_URL: unknown scheme {parts.scheme!r}")
    client.login(unquote(parts.username or ""), unquote(parts.password or ""))
    return client, unquote(parts.path.lstrip("/")) or "INBOX"


def bounces_poll_imap(*, url: str | None = None, limit: int = 500) -> dict:
    """Handle up to `limit` unseen messages of the bounce mailbox; returns outcome counts."""
    url = url or settings.BOUNCE_IMAP_URL
    if not url:
        return {}
    client, folder = _connect(url)
    done_folder = settings.BOUNCE_IMAP_DONE_FOLDER
    counts: dict[str, int] = {}
    try:
        client.select(f'"{folder}"')
        _typ, data = client.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split()[:limit]:
            _typ, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched if isinstance(item, tuple)), b"")
            try:
                outcome = bounce_receive(raw)
            except Exception:  # logged and flagged: the next poll must not meet it again
                logger.exception("bounce mailbox: message %s dropped", uid)
                outcome = "error"
            counts[outcome] = counts.get(outcome, 0) + 1
            if done_folder:
                client.uid("COPY", uid, f'"{done_folder}"')
                client.uid("STORE", uid, "+FLAGS", "(\\Deleted \\Seen)")
            else:
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        if done_folder:
            client.expunge()
    finally:
        try:
            client.logout()
        except Exception:  # the server may have closed already
            logger.debug("bounce mailbox: logout failed", exc_info=True)
    return counts
