"""Load demo data that lets a newcomer walk every flow. Safe to run again: it updates, never duplicates.

Each app owns its own demo data in `<app>/demo.py` with a `seed()` function; this command runs them
in dependency order and prints the demo logins.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_MODULES = ["accounts.demo", "shop.demo", "migration.demo", "faq.demo", "identity.demo"]


class Command(BaseCommand):
    help = "Load idempotent demo data (branches, customers, users, products, legacy accounts, help)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-in-production", action="store_true",
            help="load the demo data although DEBUG is off (a demo server; never a real shop)",
        )

    def handle(self, *args, **options):
        # The demo data holds a superuser and OIDC clients with passwords and secrets that are
        # published in the README: never on a real shop by accident.
        if not settings.DEBUG and not options["demo_in_production"]:
            raise CommandError(
                "seed_demo creates a superuser and clients whose passwords are published. "
                "DEBUG is off, so this looks like production: nothing was loaded. "
                "For a demo server, run it with --demo-in-production."
            )
        logins = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                logins.extend(module.seed() or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if logins:
            self.stdout.write("\nDemo logins:")
            for login, password, what in logins:
                self.stdout.write(f"  {login:<38} {password:<20} {what}")
