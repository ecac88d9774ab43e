"""Load product pictures and documents from a folder.

    manage.py import_product_media DIR [--dry-run]

Files are named by varenummer (SKU) or EL-nummer: `ACC-3001.jpg` is the main picture, `ACC-3001_2.jpg`
picture 2, `1630552.pdf` or `1630552_datablad.pdf` the datasheet, `1630552_fdv.pdf` the FDV
documentation, `1630552_bruksanvisning.pdf` the manual. JPEG, PNG and WebP pictures; PDF documents.

Running it again changes only what changed: a file already imported with the same content is left
alone. Names that match no product or no pattern are listed with the reason; the rest still load.
`--dry-run` checks the folder and changes nothing. Exits with status 1 when a file was refused.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop.media import product_media_import


class Command(BaseCommand):
    help = "Importer produktbilder og -dokumenter fra en mappe (filnavn: VARENUMMER.jpg, VARENUMMER_2.jpg, ELNR_fdv.pdf)."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Mappe med bilder og PDF-er")
        parser.add_argument("--dry-run", action="store_true", help="Sjekk filene uten å lagre noe.")

    def handle(self, *args, directory, dry_run, **options):
        folder = Path(directory)
        if not folder.is_dir():
            raise CommandError(f"Finner ikke mappen {directory}.")
        report = product_media_import(directory=folder, dry_run=dry_run)
        prefix = "Prøvekjøring, ingenting er lagret. " if dry_run else ""
        self.stdout.write(
            f"{prefix}Nye: {report.added}, oppdaterte: {report.updated}, uendrede: {report.unchanged}, "
            f"avvist: {len(report.problems)}."
        )
        for problem in report.problems:
            self.stderr.write(f"  {problem}")
        if report.problems:
            sys.exit(1)
