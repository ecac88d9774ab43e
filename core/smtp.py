"""Hand a message to the SMTP server in two steps, so the outbox can commit in between.

Why not just `message.send()`: a worker killed after the SMTP server accepted a message but before
the outbox row was marked sent would leave the row pending, and the message would be sent again.
SMTP gives us a point of no return we can use instead: the server delivers nothing until it has the
end-of-data mark ("." on its own line). So we transmit envelope and body, commit "sending" in the
database, and only then send the mark. A worker that dies before that commit leaves a pending row
and a server that discards the unfinished message: the retry sends it exactly once.

Django's SMTP backend sends a message in one call (`smtplib.SMTP.sendmail`), so this module drives
smtplib's lower-level commands itself; connection set-up (TLS, login, timeouts) stays Django's.

Speed (docs/PERFORMANCE.md, the wave benchmark): a worker keeps its SMTP connection open from one
message to the next (per thread, for `SMTP_CONNECTION_REUSE_SECONDS` of idleness) instead of paying
connect + EHLO + TLS + login + QUIT per message, and the socket has TCP_NODELAY: the end-of-data
mark is a 3-byte write right after the body, which Nagle's algorithm otherwise holds back until the
server's delayed ACK (~40 ms per message on Linux). A reused connection that the server has closed
meanwhile fails at MAIL, before anything could be delivered, and is replaced once.
"""

import contextlib
import re
import smtplib
import socket
import threading
import time
import uuid

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"

# One open connection per thread (Celery prefork: per worker process), keyed by the settings it was
# opened with; `Transmission` takes it, and gives it back after a confirmed message.
_idle = threading.local()


def _backend_key(backend) -> tuple:
    return (backend.host, backend.port, backend.username, backend.use_tls, backend.use_ssl, backend.timeout)


def _pool() -> list:
    if not hasattr(_idle, "held"):
        _idle.held = []
    return _idle.held


def _take_connection(backend):
    """An idle connection opened with `backend`'s settings and used recently, or None."""
    pool, key, now = _pool(), _backend_key(backend), time.monotonic()
    while pool:
        held_key, connection, since = pool.pop()
        if held_key == key and now - since < settings.SMTP_CONNECTION_REUSE_SECONDS:
            return connection
        _quietly_close(connection)
    return None


def _give_back(backend) -> None:
    """Keep the connection for the next message (at most OUTBOX_BATCH_SIZE idle per thread)."""
    pool = _pool()
    if settings.SMTP_CONNECTION_REUSE_SECONDS <= 0 or len(pool) >= max(1, settings.OUTBOX_BATCH_SIZE):
        backend.close()
        return
    pool.append((_backend_key(backend), backend.connection, time.monotonic()))
    backend.connection = None


def _quietly_close(connection) -> None:
    try:
        connection.quit()
    except Exception:  # the server may have gone already; nothing more to do
        with contextlib.suppress(Exception):
            connection.close()


def close_idle_connections() -> None:
    """QUIT the thread's idle connections (worker shutdown, tests)."""
    pool = _pool()
    while pool:
        _quietly_close(pool.pop()[1])


class Transmission:
    """`start()` transmits everything but the end-of-data mark; `finish()` sends it.

    For non-SMTP backends (console, locmem, file) `start()` does nothing and `finish()` sends the
    message whole: they have no crash window worth the ceremony.
    """

    def __init__(self, message):
        self.message = message
        self.backend = message.get_connection()
        self.two_phase = isinstance(self.backend, SMTPBackend)
        self._mark_error = None

    def start(self) -> None:
        if not self.two_phase:
            return
        message = self.message
        encoding = message.encoding or settings.DEFAULT_CHARSET
        # The envelope sender: the VERP bounce address when bounce tracking is on (core/bounces.py).
        sender = sanitize_address(getattr(message, "envelope_sender", None) or message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in message.recipients()]
        mime = message.message()
        if mime.is_multipart():
            # A random boundary, set up front: the generator would otherwise draw one and compile a
            # regular expression per message to prove it absent from the body (a third of the
            # time spent building the message).
            mime.set_boundary(f"=_{uuid.uuid4().hex}")
        body = mime.as_bytes(linesep="\r\n")
        reused = _take_connection(self.backend)
        if reused is not None:
            self.backend.connection = reused
            try:
                code, reply = reused.mail(sender)
            except (smtplib.SMTPServerDisconnected, OSError):
                code = 421
            if code == 421:
                # The server closed (or is closing) the idle connection; nothing was sent: open a
                # fresh one.
                self.abort()
                reused = None
        if reused is None:
            self._open()
        smtp = self.backend.connection
        try:
            if reused is None:
                code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            refused = {}
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    refused[recipient] = (code, reply)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            data = re.sub(rb"(?m)^\.", b"..", body)  # dot-stuffing (RFC 5321 4.5.2)
            if not data.endswith(CRLF):
                data += CRLF
            smtp.send(data)
        except BaseException:
            self.abort()
            raise

    def finish(self) -> None:
        self.end_of_data()
        self.confirm()

    def end_of_data(self) -> None:
        """Send the end-of-data mark: from here the server may deliver (see `confirm`).

        A failure to send it is left for `confirm` to report, so a batch sends every other mark
        first (outbox_deliver_many).
        """
        self._mark_error = None
        if not self.two_phase:
            return
        try:
            self.backend.connection.send(b"." + CRLF)
        except BaseException as exc:
            self._mark_error = exc

    def confirm(self) -> None:
        """Wait for the server's reply to the end-of-data mark; raises if it refused or never said."""
        if not self.two_phase:
            self.message.send()
            return
        try:
            if self._mark_error is not None:
                raise self._mark_error
            code, reply = self.backend.connection.getreply()
        except BaseException:
            self._close()
            raise
        if code != 250:
            self._close()
            raise smtplib.SMTPDataError(code, reply)
        _give_back(self.backend)

    def _open(self) -> None:
        self.backend.open()
        try:
            smtp = self.backend.connection
            if smtp.sock is not None and smtp.sock.family in (socket.AF_INET, socket.AF_INET6):
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo_or_helo_if_needed()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the connection without QUIT, mid-message: the server discards what it got."""
        if self.two_phase and self.backend.connection is not None:
            try:
                self.backend.connection.close()
            finally:
                self.backend.connection = None

    def _close(self) -> None:
        try:
            self.backend.close()
        except Exception:  # closing a broken connection may fail again; nothing more to do
            self.backend.connection = None
