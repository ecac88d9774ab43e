"""Load demo data that lets a newcomer walk every flow. Safe to run again: it updates, never duplicates.

Each app owns its own demo data in `<app>/demo.py` with a `seed()` function returning the demo
logins it made. This command finds those modules the way the admin finds `admin.py`: in every
installed app, in `INSTALLED_APPS` order (an app is listed after the apps it builds on). So `core`
names no app: an app contributes demo data by having a `demo` module, and the arrows stay one way.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


def demo_modules():
    """The `demo` module of each installed app that has one, in INSTALLED_APPS order."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


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
            for module in demo_modules():
                logins.extend(module.seed() or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if logins:
            self.stdout.write("\nDemo logins:")
            for login, password, what in logins:
                self.stdout.write(f"  {login:<38} {password:<20} {what}")
