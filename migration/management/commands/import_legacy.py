"""Load the legacy shop's export: `manage.py import_legacy CUSTOMERS.csv ACCOUNTS.csv [--dry-run]`.

Idempotent upsert (running it again changes nothing); bad rows are reported with file, line and
reason and skipped while good rows load; `--dry-run` changes nothing. Weak legacy password hashes are
keyed before they are written (never stored weak), then strengthened with argon2 (about 20 ms each):
inline with a progress bar by default (`--jobs` processes), or in Celery with `--wrap-in-background`.
The argon2 step is resumable: `manage.py wrap_legacy_hashes`. See migration/hashers.py.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from migration.importer import legacy_hashes_wrap, legacy_import
from migration.tasks import wrap_legacy_hashes

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Importer kunder og brukere fra dagens nettbutikk (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("customers_csv")
        parser.add_argument("accounts_csv")
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville skjedd, uten å lagre.")
        parser.add_argument(
            "--wrap-in-background",
            action="store_true",
            help="Krypter svake passord-hasher i Celery i stedet for nå.",
        )
        parser.add_argument(
            "--recheck-hashes",
            action="store_true",
            help="Kontroller hver passord-hash mot den lagrede (tregt: ~20 ms per rad).",
        )
        parser.add_argument(
            "--skip-wrap",
            action="store_true",
            help="Bare last radene; kjør manage.py wrap_legacy_hashes senere.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Antall prosesser for krypteringen (standard: antall CPU-er).",
        )

    def handle(
        self,
        *args,
        customers_csv,
        accounts_csv,
        dry_run,
        wrap_in_background,
        skip_wrap,
        recheck_hashes,
        jobs,
        **options,
    ):
        for path in (customers_csv, accounts_csv):
            if not os.path.isfile(path):
                raise CommandError(f"Finner ikke filen {path}")
        verbose = options["verbosity"] >= 1
        report = legacy_import(
            customers_path=customers_csv,
            accounts_path=accounts_csv,
            dry_run=dry_run,
            recheck_hashes=recheck_hashes,
            progress=progress_bar(self.stdout, "Brukere") if verbose else None,
        )
        for problem in report.problems:
            (self.stderr if problem.level == "error" else self.stdout).write(str(problem))
        prefix = "TØRRKJØRING, ingenting er lagret. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
        if dry_run or not report.hashes_pending:
            return
        if skip_wrap:
            self.stdout.write(f"{report.hashes_pending} passord venter: kjør manage.py wrap_legacy_hashes.")
            return
        if wrap_in_background:
            wrap_legacy_hashes.delay()
            self.stdout.write(f"{report.hashes_pending} passord krypteres i bakgrunnen (Celery).")
            return
        wrapped = legacy_hashes_wrap(
            jobs=max(1, jobs), progress=progress_bar(self.stdout, "Passord") if verbose else None
        )
        self.stdout.write(self.style.SUCCESS(f"{wrapped} passord kryptert med argon2."))
