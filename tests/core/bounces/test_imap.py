"""The bounce mailbox (BOUNCE_IMAP_URL) against a real IMAP server: each message handled once."""

import imaplib

import pytest

from core.bounces import verp_address
from core.email import email_enqueue
from core.imap import bounces_poll_imap
from core.models import OutboundEmail

from .samples import GARBAGE, dsn

pytestmark = pytest.mark.django_db


def _append(host, port, user, password, *messages):
    client = imaplib.IMAP4(host, port)
    client.login(user, password)
    for raw in messages:
        client.append("INBOX", None, None, raw)
    client.logout()


def _unseen(host, port, user, password) -> int:
    client = imaplib.IMAP4(host, port)
    client.login(user, password)
    client.select("INBOX")
    _typ, data = client.uid("SEARCH", None, "UNSEEN")
    client.logout()
    return len(data[0].split())


def test_poll_handles_each_message_once_and_flags_it(settings, imap_server):
    host, port, user, password = imap_server
    settings.EMAIL_BOUNCE_ADDRESS = "retur@butikk.example"
    row = email_enqueue(key="imap:1", kind="test", to="kari@firma.example", template="email/core/test",
                        context={"name": "Kari"})
    delayed = dsn(to=verp_address(row.pk), recipient=row.to, action="delayed", status="4.4.1",
                  diagnostic="smtp; 451 later")
    _append(host, port, user, password, GARBAGE, delayed, dsn(to=verp_address(row.pk), recipient=row.to))
    url = f"imap://{user}:{password}@{host}:{port}/INBOX"

    assert bounces_poll_imap(url=url) == {"not a bounce": 1, "temporary": 1, "bounced": 1}
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.BOUNCED
    assert _unseen(host, port, user, password) == 0
    # Polled again: nothing left to handle, nothing changes.
    assert bounces_poll_imap(url=url) == {}


def test_poll_moves_handled_messages_to_the_done_folder(settings, imap_server):
    host, port, user, password = imap_server
    client = imaplib.IMAP4(host, port)
    client.login(user, password)
    client.create("Handled")
    client.logout()
    settings.BOUNCE_IMAP_DONE_FOLDER = "Handled"
    _append(host, port, user, password, GARBAGE)
    url = f"imap://{user}:{password}@{host}:{port}/INBOX"
    assert bounces_poll_imap(url=url) == {"not a bounce": 1}
    client = imaplib.IMAP4(host, port)
    client.login(user, password)
    assert client.select("INBOX")[1] == [b"0"]
    assert client.select("Handled")[1] == [b"1"]
    client.logout()
