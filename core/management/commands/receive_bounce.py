"""`manage.py receive_bounce < message`: one bounce message from an MTA's pipe transport.

Always exits 0 (a message we cannot use is logged and dropped): a non-zero exit would make the MTA
bounce the bounce or retry it forever.
"""

import sys

from django.core.management.base import BaseCommand

from core.bounces import bounce_receive


class Command(BaseCommand):
    help = "Read one bounce message (RFC 3464 DSN or a common non-standard bounce) on stdin."
    stealth_options = ("stdin",)  # tests pass a binary stream instead of the process stdin

    def handle(self, *args, **options):
        raw = (options.get("stdin") or sys.stdin.buffer).read()
        try:
            outcome = bounce_receive(raw)
        except Exception:  # never an error loop at the MTA: log with the traceback and drop
            import logging

            logging.getLogger("core.bounces").exception("bounce dropped: unexpected error")
            outcome = "error"
        self.stdout.write(outcome)
