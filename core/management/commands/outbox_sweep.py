"""Re-enqueue outbox emails whose task was lost (Celery beat runs this every minute too)."""

from django.core.management.base import BaseCommand

from core.tasks import outbox_sweep


class Command(BaseCommand):
    help = "Re-enqueue pending outbox emails whose task seems lost."

    def handle(self, *args, **options):
        count = outbox_sweep()
        self.stdout.write(f"Re-enqueued {count} email(s).")
