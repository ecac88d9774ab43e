"""Load or update the product catalogue from a CSV file.

    manage.py import_catalogue katalog.csv [--dry-run] [--deactivate-missing]

Format (UTF-8, `;`-separated, header row, see PRODUCT.md):
`sku;el_number;ean;name;description;manufacturer;manufacturer_sku;unit;list_price;category_path;discount_group`

Running it again updates products by SKU and never duplicates them. Bad rows are listed with their
line number and reason; good rows still load. `--dry-run` checks the file and changes nothing.
`--deactivate-missing` stops selling active products that are not in the file (a full catalogue).
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from shop.importer import catalogue_import


class Command(BaseCommand):
    help = "Importer varekatalogen fra CSV (sku;el_number;ean;name;…;category_path;discount_group)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV-fil (UTF-8, semikolon-separert, med overskriftslinje)")
        parser.add_argument("--dry-run", action="store_true", help="Sjekk filen uten å lagre noe.")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deaktiver aktive varer som ikke står i filen (filen er hele katalogen).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Ikke vis fremdrift.")

    def handle(self, *args, file, dry_run, deactivate_missing, no_progress, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                total = max(sum(1 for _ in handle) - 1, 0)
                handle.seek(0)
                show = not no_progress and total > 0
                report = catalogue_import(
                    handle,
                    dry_run=dry_run,
                    deactivate_missing=deactivate_missing,
                    progress=(lambda n: self._progress(n, total)) if show else None,
                )
        except FileNotFoundError:
            raise CommandError(f"Fant ikke filen {file}")
        except UnicodeDecodeError as error:
            raise CommandError(f"Filen er ikke UTF-8: {error}")
        if show:
            self.stderr.write("")
        for problem in report.problems:
            self.stderr.write(self.style.WARNING(f"{file}: {problem}"))
        prefix = "Tørrkjøring, ingenting lagret: " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{report.created} nye, {report.updated} oppdatert, {report.unchanged} uendret, "
                f"{report.deactivated} deaktivert, {len(report.problems)} feil."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        share = min(done / total, 1.0) if total else 1.0
        bar = "#" * int(share * width)
        self.stderr.write(f"\r[{bar:<{width}}] {share:4.0%} {done}/{total}", ending="")
        if hasattr(sys.stderr, "flush"):
            self.stderr.flush()
