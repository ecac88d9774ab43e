"""Send test emails through the outbox, to check an installation's email set-up end to end."""

import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from core.email import email_enqueue, outbox_batch


class Command(BaseCommand):
    help = "Send a test email to ADDRESS (or --count numbered copies) through the outbox and the worker."

    def add_arguments(self, parser):
        parser.add_argument("address", help="recipient; with --count, 'n' is appended before the @")
        parser.add_argument("--count", type=int, default=1)

    def handle(self, address, count, **options):
        batch = uuid.uuid4().hex[:8]
        local, _, domain = address.partition("@")
        # Many copies go the way a wave of invitations goes: batch tasks (core.email.outbox_batch).
        with outbox_batch(), transaction.atomic():
            for n in range(count):
                to = address if count == 1 else f"{local}{n}@{domain}"
                email_enqueue(
                    key=f"test:{batch}:{n}", kind="test", to=to, template="email/core/test",
                    context={"name": to},
                )
        self.stdout.write(f"Queued {count} test email(s) to {address} (batch {batch}).")
