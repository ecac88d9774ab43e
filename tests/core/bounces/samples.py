"""Bounce messages as MTAs write them (RFC 3464 DSNs and non-standard ones), for the bounce tests."""


def dsn(*, to: str, recipient: str, action: str = "failed", status: str = "5.1.1",
        diagnostic: str = "smtp; 550 5.1.1 <x>: Recipient address rejected: User unknown",
        message_id: str = "<unknown@example.no>") -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.com.
I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Arrival-Date: Tue,  1 Dec 2026 10:00:00 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: {diagnostic}

--B1
Content-Type: text/rfc822-headers

From: Elektrogrossisten <noreply@example.no>
To: {recipient}
Subject: Flytt til ny nettbutikk
Message-ID: {message_id}

--B1--
""".replace("\n", "\r\n").encode()


def qmail(*, to: str, recipient: str, message_id: str) -> bytes:
    return f"""From: MAILER-DAEMON@mail.example.org
To: {to}
Subject: failure notice

Hi. This is the qmail-send program at mail.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{recipient}>:
550 5.1.1 sorry, no mailbox here by that name.

--- Below this line is a copy of the message.

Message-ID: {message_id}
To: {recipient}
""".replace("\n", "\r\n").encode()


GARBAGE = b"\x00\xff this is not an email at all \r\n\r\n\x89PNG"
SPAM_REPLY = b"From: someone@example.com\r\nTo: retur@example.no\r\nSubject: hei\r\n\r\nTakk for sist!\r\n"
