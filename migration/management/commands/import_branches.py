"""Load branches: `manage.py import_branches BRANCHES.csv` (UTF-8, ';', header row).

Columns: `code;name;email;phone;street;postal_code;city` (only code and name required). Upserts by
code; running it again changes nothing.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Branch

COLUMNS = ["code", "name", "email", "phone", "street", "postal_code", "city"]


class Command(BaseCommand):
    help = "Importer avdelinger fra CSV."

    def add_arguments(self, parser):
        parser.add_argument("branches_csv")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, branches_csv, dry_run, **options):
        try:
            with open(branches_csv, encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle, delimiter=";"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan ikke lese {branches_csv}: {exc}")
        created = updated = 0
        with transaction.atomic():
            for line, row in enumerate(rows, start=2):
                values = {key: (row.get(key) or "").strip() for key in COLUMNS}
                code = values.pop("code").upper()
                if not code or not values["name"]:
                    self.stderr.write(f"{branches_csv}:{line}: FEIL: kode og navn må fylles ut.")
                    continue
                if values["email"]:
                    try:
                        validate_email(values["email"])
                    except Exception:
                        self.stderr.write(f"{branches_csv}:{line}: FEIL: ugyldig e-postadresse.")
                        continue
                branch = Branch.objects.filter(code=code).first()
                if branch is None:
                    Branch.objects.create(code=code, **values)
                    created += 1
                elif any(getattr(branch, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(branch, key, value)
                    branch.save(update_fields=list(values))
                    updated += 1
            if dry_run:
                transaction.set_rollback(True)
        prefix = "TØRRKJØRING: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{created} nye avdelinger, {updated} endret."))
