"""Resume the import's second step: strengthen the keyed legacy hashes still waiting with argon2."""

import os

from django.core.management.base import BaseCommand

from migration.importer import legacy_hashes_wrap

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Krypter legacy-passord som venter (kan avbrytes og startes igjen)."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, jobs, limit, **options):
        wrapped = legacy_hashes_wrap(
            jobs=max(1, jobs),
            limit=limit,
            progress=progress_bar(self.stdout, "Passord") if options["verbosity"] >= 1 else None,
        )
        self.stdout.write(self.style.SUCCESS(f"{wrapped} passord kryptert med argon2."))
