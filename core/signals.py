"""Signals the outbox sends, so apps that build on core can react without core knowing them.

`email_bounced` is sent once per outbox row, inside the transaction that marked it «I retur»
(`core.bounces.outbox_bounce_record`), with `email` (the OutboundEmail) and `reason` (text). The
migration app listens and marks the legacy account; core never imports it.
"""

from django.dispatch import Signal

email_bounced = Signal()
