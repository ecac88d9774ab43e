"""The old shop's order history and favourites (`manage.py import_legacy_history`).

`legacy_history_import()` reads ORDERS.csv, LINES.csv and optionally FAVOURITES.csv (formats in
migration/README.md) and upserts them: running it again changes nothing. Bad rows are reported with
file, line and reason and skipped while good rows load. An order is loaded whole or not at all: an
order with a bad line is skipped with all its lines (reported), so «Mine ordre» never shows half an
order. A dry run does all the work and rolls it back. Each customer whose history changed sees it
in «Mine ordre» on the next view (`shop.caching.orders_changed`).

On PostgreSQL (`migration.history_writes`) the rows are streamed with COPY into temporary tables and merged with one
`INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM` per table: the ORM's bulk_create of a
million lines takes several minutes, COPY seconds (bench/history_import_bench.py). Other databases
(the SQLite quick runs) use bulk_create with the same results.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from accounts.models import Customer
from shop.caching import orders_changed

from .history_writes import LineSink, write_orders
from .importer import Problem, ProblemsMixin, _read_rows
from .models import LegacyAccount, LegacyFavourite, LegacyOrder
from .services.history import legacy_favourites_carry_over

ORDER_COLUMNS = [
    "order_number",
    "customer_number",
    "username",
    "ordered_at",
    "reference",
    "status",
    "total_excl_vat",
]
LINE_COLUMNS = ["order_number", "line_number", "sku", "el_number", "name", "quantity", "unit", "unit_price"]
FAVOURITE_COLUMNS = ["username", "customer_number", "sku", "el_number", "quantity"]
PROGRESS_EVERY = 10_000
BATCH = 5000


@dataclass
class HistoryReport(ProblemsMixin):
    dry_run: bool = False
    orders_created: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    orders_skipped: int = 0
    lines_created: int = 0
    lines_updated: int = 0
    lines_unchanged: int = 0
    favourites_created: int = 0
    favourites_updated: int = 0
    favourites_unchanged: int = 0
    lists_created: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Ordrer: {self.orders_created} nye, {self.orders_updated} endret, {self.orders_unchanged} uendret, "
            f"{self.orders_skipped} hoppet over. Ordrelinjer: {self.lines_created} nye, "
            f"{self.lines_updated} endret, {self.lines_unchanged} uendret. Favoritter: "
            f"{self.favourites_created} nye, {self.favourites_updated} endret, "
            f"{self.favourites_unchanged} uendret. Favorittlister opprettet: {self.lists_created}. "
            f"Feil (hoppet over): {len(self.errors)}. Advarsler: {len(self.warnings)}."
        )


class _Rollback(Exception):
    pass


def _parse_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _parse_decimal(value: str, places: int) -> Decimal | None:
    """`1234.50`, `1234,50` or `1 234,50`; None for anything else."""
    try:
        number = Decimal(value.replace(" ", "").replace("\xa0", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def legacy_history_import(
    *,
    orders_path,
    lines_path,
    favourites_path=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryReport:
    """Upsert legacy orders, their lines and favourites; see the module docstring."""
    report = HistoryReport(dry_run=dry_run)
    orders_path, lines_path = Path(orders_path), Path(lines_path)
    total = _count_lines(orders_path) + _count_lines(lines_path) if progress else 0
    done = [0]

    def tick(step=1):
        done[0] += step
        if progress and (done[0] % PROGRESS_EVERY == 0 or done[0] >= total):
            progress(min(done[0], total), total)

    try:
        with transaction.atomic():
            orders, rejected = _read_orders(orders_path, report, tick)
            existing = set(LegacyOrder.objects.values_list("number", flat=True))
            with LineSink() as sink:
                bad_orders = _read_lines(lines_path, report, tick, set(orders) | existing, rejected, sink.add)
                sink.close_copy()  # the connection takes other statements only once the COPY ends
                for number in sorted(bad_orders):
                    if orders.pop(number, None) is not None:
                        report.orders_skipped += 1
                report.orders_skipped += len(rejected)
                changed = write_orders(list(orders.values()), report) | sink.merge(bad_orders, report)
            # COPY and bulk_create send no signals: «Mine ordre» of each customer whose history
            # changed is rendered afresh (at once, and again when the import commits).
            orders_changed(changed)
            if favourites_path:
                _import_favourites(Path(favourites_path), report)
            if progress and total:
                progress(total, total)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _read_orders(path: Path, report: HistoryReport, tick) -> tuple[dict[str, tuple], set[str]]:
    """The good order rows by number, and the numbers of the rows that were refused."""
    name = path.name
    customers = dict(Customer.objects.values_list("number", "pk"))
    orders: dict[str, tuple] = {}
    rejected: set[str] = set()
    for line, row in _read_rows(path, ORDER_COLUMNS, report):
        tick()
        number = row["order_number"]

        def refuse(reason, number=number, line=line):
            report.problems.append(Problem(name, line, reason))
            if number and number not in orders:
                rejected.add(number)

        if not number:
            refuse("Ordrenummer mangler.")
            continue
        if len(number) > 40:
            refuse(f"Ordrenummeret {number[:40]}… er lengre enn 40 tegn.")
            continue
        if number in orders or number in rejected:
            report.problems.append(Problem(name, line, f"Ordre {number} står flere ganger i filen."))
            continue
        customer_id = customers.get(row["customer_number"])
        if customer_id is None:
            refuse(f"Ukjent kundenummer {row['customer_number']!r}: importer kundene først (import_legacy).")
            continue
        ordered_at = _parse_date(row["ordered_at"])
        if ordered_at is None:
            refuse(f"Ugyldig ordredato {row['ordered_at']!r} (bruk 2025-03-14 eller 14.03.2025).")
            continue
        total = None
        if row["total_excl_vat"]:
            total = _parse_decimal(row["total_excl_vat"], 2)
            if total is None or abs(total) >= 10**12:
                refuse(f"Ugyldig beløp {row['total_excl_vat']!r}.")
                continue
        orders[number] = (
            customer_id,
            number,
            row["username"][:150],
            ordered_at,
            row["reference"][:200],
            row["status"][:60],
            total,
        )
    return orders, rejected


QUANTITY = re.compile(r"-?\d{1,9}(?:\.\d+)?")
PRICE = re.compile(r"-?\d{1,12}(?:\.\d+)?")


def _number(value: str, pattern) -> str | None:
    """A decimal as text for COPY (PostgreSQL rounds it to the column's places), or None if invalid.

    A regular expression instead of Decimal(): a million lines have two numbers each."""
    value = value.replace(" ", "").replace("\xa0", "").replace(",", ".")
    return value if pattern.fullmatch(value) else None


def _fast_rows(path: Path, columns: list[str], report: HistoryReport):
    """`_read_rows` for the big file: one decode and one csv.reader for the whole file when it is
    valid UTF-8 (the usual case), yielding (line number, list of values in `columns` order); a file
    with a bad byte goes through `_read_rows`, which reports the line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        for line, row in _read_rows(path, columns, report):
            yield line, [row[c] for c in columns]
        return
    del raw
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        report.problems.append(Problem(path.name, 1, "Filen er tom eller mangler overskriftsraden."))
        return
    missing = [c for c in columns if c not in header]
    if missing:
        report.problems.append(
            Problem(path.name, 1, f"Mangler kolonner: {', '.join(missing)}. Ingen rader lest.")
        )
        return
    index = [header.index(c) for c in columns]
    width = len(header)
    for values in reader:
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) < width:
            report.problems.append(
                Problem(path.name, reader.line_num, f"Mangler kolonner: {len(values)} av {width} felt.")
            )
            continue
        yield reader.line_num, [values[i].strip() for i in index]


def _read_lines(path: Path, report: HistoryReport, tick, known: set[str], rejected: set[str], add) -> set[str]:
    """Pass the good line rows to `add`; return the order numbers that have a bad line (those orders
    are skipped whole, and their lines dropped before the merge)."""
    name = path.name
    seen: set[tuple[str, int]] = set()
    bad_orders: set[str] = set()
    noted_rejected: set[str] = set()
    problems = report.problems

    def refuse(line, number, reason):
        problems.append(Problem(name, line, reason))
        if number in known and number not in bad_orders:
            bad_orders.add(number)
            problems.append(Problem(name, line, f"Ordre {number} er hoppet over fordi en av linjene har feil."))

    for line, (number, line_number, sku, el_number, item, quantity, unit, unit_price) in _fast_rows(
        path, LINE_COLUMNS, report
    ):
        tick()
        if number in rejected:  # also when an earlier import loaded it: nothing of it changes now
            if number not in noted_rejected:  # once per order, not once per line
                noted_rejected.add(number)
                problems.append(
                    Problem(name, line, f"Linjene til ordre {number} er hoppet over fordi ordren har feil.")
                )
            continue
        if number not in known:
            problems.append(Problem(name, line, f"Ukjent ordrenummer {number!r}."))
            continue
        if not line_number.isdigit() or len(line_number) > 9:
            refuse(line, number, f"Ugyldig linjenummer {line_number!r}.")
            continue
        key = (number, int(line_number))
        if key in seen:
            refuse(line, number, f"Linje {key[1]} i ordre {number} står flere ganger i filen.")
            continue
        if not item and not sku and not el_number:
            refuse(line, number, "Linjen mangler både varenummer, EL-nummer og varenavn.")
            continue
        amount = _number(quantity, QUANTITY)
        if amount is None:
            refuse(line, number, f"Ugyldig antall {quantity!r}.")
            continue
        price = None
        if unit_price:
            price = _number(unit_price, PRICE)
            if price is None:
                refuse(line, number, f"Ugyldig enhetspris {unit_price!r}.")
                continue
        seen.add(key)
        add((number, key[1], sku[:40], el_number[:20], (item or sku or el_number)[:300], amount, unit[:20], price))
    return bad_orders


def _import_favourites(path: Path, report: HistoryReport) -> None:
    name = path.name
    accounts = {a.username.lower(): a for a in LegacyAccount.objects.select_related("customer", "user")}
    existing = {(f.account_id, f.sku, f.el_number): f for f in LegacyFavourite.objects.all()}
    seen = set()
    new, changed, touched = [], [], {}
    for line, row in _read_rows(path, FAVOURITE_COLUMNS, report):
        account = accounts.get(row["username"].lower())
        if account is None:
            report.problems.append(Problem(name, line, f"Ukjent brukernavn {row['username']!r}."))
            continue
        if account.customer.number != row["customer_number"]:
            report.problems.append(
                Problem(
                    name,
                    line,
                    f"Brukeren {row['username']} hører ikke til kundenummer {row['customer_number']!r}.",
                )
            )
            continue
        sku, el_number = row["sku"][:40], row["el_number"][:20]
        if not sku and not el_number:
            report.problems.append(Problem(name, line, "Favoritten mangler både varenummer og EL-nummer."))
            continue
        try:
            quantity = int(row["quantity"] or "1")
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= 99999:
            report.problems.append(Problem(name, line, f"Ugyldig antall {row['quantity']!r}."))
            continue
        key = (account.pk, sku, el_number)
        if key in seen:
            report.problems.append(Problem(name, line, "Favoritten står flere ganger i filen.", "warning"))
            continue
        seen.add(key)
        touched[account.pk] = account
        favourite = existing.get(key)
        if favourite is None:
            new.append(LegacyFavourite(account=account, sku=sku, el_number=el_number, quantity=quantity))
        elif favourite.quantity != quantity:
            favourite.quantity = quantity
            changed.append(favourite)
        else:
            report.favourites_unchanged += 1
    LegacyFavourite.objects.bulk_create(new, batch_size=BATCH)
    LegacyFavourite.objects.bulk_update(changed, ["quantity"], batch_size=BATCH)
    report.favourites_created += len(new)
    report.favourites_updated += len(changed)
    # Users who moved already get their list now; the others at activation.
    for account in touched.values():
        moved = account.state == LegacyAccount.State.ACTIVATED and account.user_id
        if moved and legacy_favourites_carry_over(account=account) is not None:
            report.lists_created += 1
