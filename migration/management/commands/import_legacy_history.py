"""Load the old shop's order history and favourites:
`manage.py import_legacy_history ORDERS.csv LINES.csv [FAVOURITES.csv] [--dry-run]`.

Run after `import_legacy` (orders need their customers, favourites their legacy users). Idempotent;
bad rows are reported with file, line and reason while good rows load; an order with a bad line is
skipped whole; `--dry-run` changes nothing.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from migration.history_import import legacy_history_import

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Importer ordrehistorikk og favoritter fra dagens nettbutikk (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("orders_csv")
        parser.add_argument("lines_csv")
        parser.add_argument("favourites_csv", nargs="?")
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville skjedd, uten å lagre.")

    def handle(self, *args, orders_csv, lines_csv, favourites_csv, dry_run, **options):
        for path in (orders_csv, lines_csv, favourites_csv):
            if path and not os.path.isfile(path):
                raise CommandError(f"Finner ikke filen {path}")
        verbose = options["verbosity"] >= 1
        report = legacy_history_import(
            orders_path=orders_csv,
            lines_path=lines_csv,
            favourites_path=favourites_csv,
            dry_run=dry_run,
            progress=progress_bar(self.stdout, "Rader") if verbose else None,
        )
        for problem in report.problems:
            (self.stderr if problem.level == "error" else self.stdout).write(str(problem))
        prefix = "TØRRKJØRING, ingenting er lagret. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
