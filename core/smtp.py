"""Hand a message to the SMTP server in two steps, so the outbox can commit in between.

Why not just `message.send()`: a worker killed after the SMTP server accepted a message but before
the outbox row was marked sent would leave the row pending, and the message would be sent again.
SMTP gives us a point of no return we can use instead: the server delivers nothing until it has the
end-of-data mark ("." on its own line). So we transmit envelope and body, commit "sending" in the
database, and only then send the mark. A worker that dies before that commit leaves a pending row
and a server that discards the unfinished message: the retry sends it exactly once.

Django's SMTP backend sends a message in one call (`smtplib.SMTP.sendmail`), so this module drives
smtplib's lower-level commands itself; connection set-up (TLS, login, timeouts) stays Django's.
"""

import re
import smtplib

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

CRLF = b"\r\n"


class Transmission:
    """`start()` transmits everything but the end-of-data mark; `finish()` sends it.

    For non-SMTP backends (console, locmem, file) `start()` does nothing and `finish()` sends the
    message whole: they have no crash window worth the ceremony.
    """

    def __init__(self, message):
        self.message = message
        self.backend = message.get_connection()
        self.two_phase = isinstance(self.backend, SMTPBackend)

    def start(self) -> None:
        if not self.two_phase:
            return
        message = self.message
        encoding = message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in message.recipients()]
        body = message.message().as_bytes(linesep="\r\n")
        self.backend.open()
        smtp = self.backend.connection
        try:
            smtp.ehlo_or_helo_if_needed()
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
        if not self.two_phase:
            self.message.send()
            return
        try:
            smtp = self.backend.connection
            smtp.send(b"." + CRLF)
            code, reply = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        finally:
            self._close()

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
