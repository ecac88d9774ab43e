"""Loading the legacy shop's export (`manage.py import_legacy`).

Two steps:

1. `legacy_import()` reads both CSV files and upserts customers and legacy accounts in bulk: fast
   (tens of thousands of rows in seconds). Bad rows are reported with file, line and reason and
   skipped; good rows load; a dry run rolls everything back. Running it again changes nothing.
   Strong hashes (bcrypt, pbkdf2, argon2) are stored as they are; weak ones are stored keyed
   (HMAC-SHA256 with a key outside the database, microseconds each, `hashers.legacy_wrap_keyed`):
   no weak digest is ever written, not even inside the transaction.
2. `legacy_hashes_wrap()` strengthens each keyed hash with argon2 (about 20 ms each, so it runs in
   parallel processes, or in Celery): resumable, none is left in the keyed-only form when done.

Neither step writes a hash to the report, the progress output or a log.
"""

import csv
import io
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Branch, Customer
from accounts.snapshot import directory_changed
from shop.caching import orders_changed

from .hashers import (
    KEYED_ONLY,
    legacy_hash_kind,
    legacy_hash_strengthen,
    legacy_stored_matches,
    legacy_wrap_keyed,
)
from .models import EventKind, LegacyAccount, MigrationEvent
from .services.events import migration_event_build

CUSTOMER_COLUMNS = ["customer_number", "name", "branch_code", "org_number", "email", "phone"]
ACCOUNT_COLUMNS = [
    "username",
    "customer_number",
    "name",
    "email",
    "phone",
    "password_hash",
    "is_main_user",
    "is_active",
]
BATCH = 1000
IMPORT_ACTOR = "import_legacy"  # the events' «utført av»


@dataclass
class Problem:
    file: str
    line: int
    reason: str
    level: str = "error"  # "error": row skipped; "warning": row loaded

    def __str__(self):
        label = "FEIL" if self.level == "error" else "ADVARSEL"
        return f"{self.file}:{self.line}: {label}: {self.reason}"


class ProblemsMixin:
    """What a CSV import found wrong, by level: the report line per file, line and reason."""

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == "warning"]


@dataclass
class ImportReport(ProblemsMixin):
    dry_run: bool = False
    branches_created: int = 0
    customers_created: int = 0
    customers_updated: int = 0
    customers_unchanged: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    accounts_unchanged: int = 0
    hashes_pending: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Kunder: {self.customers_created} nye, {self.customers_updated} endret, "
            f"{self.customers_unchanged} uendret. Brukere: {self.accounts_created} nye, "
            f"{self.accounts_updated} endret, {self.accounts_unchanged} uendret. "
            f"Avdelinger opprettet: {self.branches_created}. Passord som venter på argon2: "
            f"{self.hashes_pending}. Feil (hoppet over): {len(self.errors)}. Advarsler: {len(self.warnings)}."
        )


class _Rollback(Exception):
    pass


def _read_rows(path: Path, columns: list[str], report: ImportReport):
    """Yield (line number, dict) for each decodable row with every column; report the rest."""
    name = path.name
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    lines = raw.split(b"\n")
    if not lines or not lines[0].strip():
        report.problems.append(Problem(name, 1, "Filen er tom eller mangler overskriftsraden."))
        return
    try:
        header_line = lines[0].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        report.problems.append(Problem(name, 1, "Overskriftsraden er ikke UTF-8."))
        return
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=";"))]
    missing = [c for c in columns if c not in header]
    if missing:
        report.problems.append(Problem(name, 1, f"Mangler kolonner: {', '.join(missing)}. Ingen rader lest."))
        return
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            report.problems.append(Problem(name, number, "Feil tegnkoding (ikke UTF-8)."))
            continue
        values = next(csv.reader(io.StringIO(text), delimiter=";"), [])
        if len(values) < len(header):
            report.problems.append(
                Problem(name, number, f"Mangler kolonner: {len(values)} av {len(header)} felt.")
            )
            continue
        yield number, {key: (values[i] or "").strip() for i, key in enumerate(header)}


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def legacy_import(
    *,
    customers_path,
    accounts_path,
    dry_run: bool = False,
    recheck_hashes: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Upsert the legacy customers and accounts; see the module docstring."""
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _import_customers(Path(customers_path), report)
            _import_accounts(Path(accounts_path), report, progress, recheck_hashes)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _import_customers(path: Path, report: ImportReport) -> None:
    name = path.name
    branches = {b.code.upper(): b for b in Branch.objects.all()}
    existing = {c.number: c for c in Customer.objects.all()}
    seen = set()
    to_create, to_update = [], []
    for line, row in _read_rows(path, CUSTOMER_COLUMNS, report):
        number, cname, code = row["customer_number"], row["name"], row["branch_code"].upper()
        if not number or not cname or not code:
            report.problems.append(Problem(name, line, "Kundenummer, navn og avdelingskode må fylles ut."))
            continue
        if number in seen:
            report.problems.append(Problem(name, line, f"Kundenummer {number} står flere ganger i filen."))
            continue
        email = row["email"].lower()
        if email and not _valid_email(email):
            report.problems.append(Problem(name, line, f"Ugyldig e-postadresse: {row['email']!r}."))
            continue
        seen.add(number)
        branch = branches.get(code)
        if branch is None:
            branch = Branch.objects.create(code=code, name=code)
            branches[code] = branch
            report.branches_created += 1
            report.problems.append(
                Problem(name, line, f"Ukjent avdelingskode {code}: avdelingen er opprettet.", "warning")
            )
        values = {
            "name": cname,
            "branch": branch,
            "org_number": row["org_number"],
            "email": email,
            "phone": row["phone"],
        }
        customer = existing.get(number)
        if customer is None:
            to_create.append(Customer(number=number, **values))
            report.customers_created += 1
        elif any(getattr(customer, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(customer, key, value)
            to_update.append(customer)
            report.customers_updated += 1
        else:
            report.customers_unchanged += 1
    Customer.objects.bulk_create(to_create, batch_size=BATCH)
    Customer.objects.bulk_update(
        to_update, ["name", "branch", "org_number", "email", "phone"], batch_size=BATCH
    )
    if to_create or to_update:
        # Bulk writes send no signal: the members' cached memberships (name, branch) must be read
        # afresh at their next request (accounts/snapshot.py).
        directory_changed()


def _import_accounts(path: Path, report: ImportReport, progress, recheck_hashes: bool = False) -> None:
    name = path.name
    customers = {c.number: c for c in Customer.objects.all()}
    existing = {a.username.lower(): a for a in LegacyAccount.objects.all()}
    rows = list(_read_rows(path, ACCOUNT_COLUMNS, report))
    total = len(rows)
    seen = set()
    now = timezone.now()
    creates, updates, events = [], [], []
    # «Mine ordre» names a legacy order's orderer by the account's name: these customers' pages change.
    orderers_changed = set()
    fields = ["customer", "name", "email", "phone", "is_main_user", "is_active"]
    for index, (line, row) in enumerate(rows, start=1):
        if progress and (index % 2000 == 0 or index == total):
            progress(index, total)
        username = row["username"]
        if not username:
            report.problems.append(Problem(name, line, "Brukernavn mangler."))
            continue
        if username.lower() in seen:
            report.problems.append(Problem(name, line, f"Brukernavnet {username} står flere ganger i filen."))
            continue
        customer = customers.get(row["customer_number"])
        if customer is None:
            report.problems.append(Problem(name, line, f"Ukjent kundenummer {row['customer_number']!r}."))
            continue
        email = row["email"].lower()
        if email and not _valid_email(email):
            report.problems.append(Problem(name, line, f"Ugyldig e-postadresse: {row['email']!r}."))
            continue
        main, active = _flag(row["is_main_user"]), _flag(row["is_active"])
        if main is None or active is None:
            report.problems.append(Problem(name, line, "is_main_user og is_active må være 1 eller 0."))
            continue
        seen.add(username.lower())
        legacy_hash = row["password_hash"]
        kind = legacy_hash_kind(legacy_hash)
        if kind == "empty":
            report.problems.append(
                Problem(
                    name,
                    line,
                    f"{username}: uten passord (kommer inn via invitasjon eller «Glemt passord?»).",
                    "warning",
                )
            )
        elif kind == "unknown":
            report.problems.append(
                Problem(name, line, f"{username}: ukjent passordformat, importert uten passord.", "warning")
            )
        values = {
            "customer": customer,
            "name": row["name"],
            "email": email,
            "phone": row["phone"],
            "is_main_user": main,
            "is_active": active,
        }
        account = existing.get(username.lower())
        if account is None:
            account = LegacyAccount(username=username, **values)
            if kind in ("strong", "weak"):
                account.password = legacy_wrap_keyed(legacy_hash)
            creates.append(account)
            orderers_changed.add(customer.pk)
            report.accounts_created += 1
            continue
        changed = [
            k
            for k, v in values.items()
            if (account.customer_id != customer.pk if k == "customer" else getattr(account, k) != v)
        ]
        if "name" in changed or "customer" in changed:
            orderers_changed |= {account.customer_id, customer.pk}
        for key in changed:
            setattr(account, key, values[key])
        # The password: compare without rewrapping when possible (see legacy_stored_matches).
        if kind in ("empty", "unknown"):
            if account.password:
                account.password = ""
                changed.append("password")
        elif not legacy_stored_matches(legacy_hash, account.password, thorough=recheck_hashes):
            account.password = legacy_wrap_keyed(legacy_hash)
            changed.append("password")
        if changed:
            updates.append(account)
            events.append(
                migration_event_build(
                    account=account,
                    customer=customer,
                    kind=EventKind.UPDATED,
                    at=now,
                    actor_label=IMPORT_ACTOR,
                    detail=", ".join(changed),
                )
            )
            report.accounts_updated += 1
        else:
            report.accounts_unchanged += 1
    LegacyAccount.objects.bulk_create(creates, batch_size=BATCH)
    LegacyAccount.objects.bulk_update(updates, [*fields, "password"], batch_size=BATCH)
    orders_changed(orderers_changed)
    if any(a.pk is None for a in creates):  # backends without RETURNING: look the ids up
        ids = dict(
            LegacyAccount.objects.filter(username__in=[a.username for a in creates]).values_list(
                "username", "pk"
            )
        )
        for account in creates:
            account.pk = ids[account.username]
    events += [
        migration_event_build(
            account=a, customer=a.customer, kind=EventKind.IMPORTED, at=now, actor_label=IMPORT_ACTOR
        )
        for a in creates
    ]
    MigrationEvent.objects.bulk_create(events, batch_size=BATCH)
    report.hashes_pending = keyed_only().count()


def keyed_only():
    """Legacy accounts whose password is still in the import's keyed form (waiting for argon2)."""
    query = Q()
    for algorithm in KEYED_ONLY:
        query |= Q(password__startswith=f"{algorithm}$")
    return LegacyAccount.objects.filter(query)


def _wrap_many(hashes: list[str]) -> list[str]:
    return [legacy_hash_strengthen(h) for h in hashes]


def legacy_hashes_wrap(
    *,
    limit: int | None = None,
    jobs: int = 1,
    batch: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Strengthen keyed legacy hashes with argon2 (resumable; `jobs` processes). Returns how many."""
    total = keyed_only().count()
    if limit is not None:
        total = min(total, limit)
    done = 0
    executor = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 else None
    try:
        while done < total:
            chunk = list(keyed_only().order_by("pk").values_list("pk", "password")[: min(batch, total - done)])
            if not chunk:
                break
            hashes = [password for _pk, password in chunk]
            if executor:
                size = max(1, len(hashes) // jobs + 1)
                parts = [hashes[i : i + size] for i in range(0, len(hashes), size)]
                wrapped = [w for part in executor.map(_wrap_many, parts) for w in part]
            else:
                wrapped = _wrap_many(hashes)
            with transaction.atomic():
                # Only rows still holding the hash we read: a concurrent re-import, password reset or
                # gate login (which rehashes the password) wins.
                current = dict(
                    LegacyAccount.objects.select_for_update()
                    .filter(pk__in=[pk for pk, _password in chunk])
                    .values_list("pk", "password")
                )
                accounts = [
                    LegacyAccount(pk=pk, password=stored)
                    for (pk, read), stored in zip(chunk, wrapped, strict=True)
                    if current.get(pk) == read
                ]
                LegacyAccount.objects.bulk_update(accounts, ["password"], batch_size=BATCH)
            done += len(chunk)
            if progress:
                progress(done, total)
    finally:
        if executor:
            executor.shutdown()
    return done
