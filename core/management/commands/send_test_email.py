"""Send test emails through the outbox, to check an installation's email set-up end to end."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.email import email_enqueue, outbox_batch


class Command(BaseCommand):
    help = "Send a test email to ADDRESS (or --count numbered copies) through the outbox and the worker."

    def add_arguments(self, parser):
        parser.add_argument("address", help="recipient; with --count, 'n' is appended before the @")
        parser.add_argument("--count", type=int, default=1)

    def handle(self, address, count, **options):
        # The event is this run of the command: its moment names the batch and keys its emails.
        batch = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        local, _, domain = address.partition("@")
        # Many copies go the way a wave of invitations goes: batch tasks (core.email.outbox_batch).
        with outbox_batch(), transaction.atomic():
            for n in range(count):
                to = address if count == 1 else f"{local}{n}@{domain}"
                email_enqueue(
                    key=f"core.test:{batch}:{n}", kind="core.test", to=to, template="email/core/test",
                    context={"name": to},
                )
        self.stdout.write(f"Queued {count} test email(s) to {address} (batch {batch}).")
