"""Send a test email through the outbox, to check an installation's email set-up end to end."""

import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from core.email import email_enqueue


class Command(BaseCommand):
    help = "Send a test email to ADDRESS through the outbox and the Celery worker."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, address, **options):
        with transaction.atomic():
            email = email_enqueue(
                key=f"test:{uuid.uuid4()}", kind="test", to=address, template="email/core/test",
                context={"name": address},
            )
        self.stdout.write(f"Queued outbox email #{email.pk} to {address}.")
