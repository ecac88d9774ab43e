"""The old shop's order history and favourites (`manage.py import_legacy_history`).

`legacy_history_import()` reads ORDERS.csv, LINES.csv and optionally FAVOURITES.csv (formats in
migration/README.md) and upserts them: running it again changes nothing. Bad rows are reported with
file, line and reason and skipped while good rows load. An order is loaded whole or not at all: an
order with a bad line is skipped with all its lines (reported), so «Mine ordre» never shows half an
order. A dry run does all the work and rolls it back.

On PostgreSQL the rows are streamed with COPY into temporary tables and merged with one
`INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM` per table: the ORM's bulk_create of a
million lines takes several minutes, COPY seconds (bench/history_import_bench.py). Other databases
(the SQLite quick runs) use bulk_create with the same results.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction

from accounts.models import Customer

from .importer import Problem, _read_rows
from .models import LegacyAccount, LegacyFavourite, LegacyOrder, LegacyOrderLine
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
class HistoryReport:
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

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == "warning"]

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
            lines, bad_orders = _read_lines(lines_path, report, tick, set(orders) | existing, rejected)
            for number in sorted(bad_orders):
                if orders.pop(number, None) is not None:
                    report.orders_skipped += 1
            report.orders_skipped += len(rejected)
            _write_orders(list(orders.values()), report)
            _write_lines(lines, bad_orders, report)
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


def _read_lines(path: Path, report: HistoryReport, tick, known: set[str], rejected: set[str]):
    """The good line rows, and the order numbers that have a bad line (those orders are skipped)."""
    name = path.name
    lines: list[tuple] = []
    seen: set[tuple[str, int]] = set()
    bad_orders: set[str] = set()
    noted_rejected: set[str] = set()
    for line, row in _read_rows(path, LINE_COLUMNS, report):
        tick()
        number = row["order_number"]
        if number in rejected:
            if number not in noted_rejected:  # once per order, not once per line
                noted_rejected.add(number)
                report.problems.append(
                    Problem(name, line, f"Linjene til ordre {number} er hoppet over fordi ordren har feil.")
                )
            continue

        def refuse(reason, number=number, line=line):
            report.problems.append(Problem(name, line, reason))
            if number in known and number not in bad_orders:
                bad_orders.add(number)
                report.problems.append(
                    Problem(name, line, f"Ordre {number} er hoppet over fordi en av linjene har feil.")
                )

        if number not in known:
            report.problems.append(Problem(name, line, f"Ukjent ordrenummer {number!r}."))
            continue
        try:
            line_number = int(row["line_number"])
        except ValueError:
            line_number = -1
        if not 0 <= line_number < 2**31:
            refuse(f"Ugyldig linjenummer {row['line_number']!r}.")
            continue
        if (number, line_number) in seen:
            refuse(f"Linje {line_number} i ordre {number} står flere ganger i filen.")
            continue
        if not row["name"] and not row["sku"] and not row["el_number"]:
            refuse("Linjen mangler både varenummer, EL-nummer og varenavn.")
            continue
        quantity = _parse_decimal(row["quantity"], 3)
        if quantity is None or abs(quantity) >= 10**9:
            refuse(f"Ugyldig antall {row['quantity']!r}.")
            continue
        unit_price = None
        if row["unit_price"]:
            unit_price = _parse_decimal(row["unit_price"], 2)
            if unit_price is None or abs(unit_price) >= 10**12:
                refuse(f"Ugyldig enhetspris {row['unit_price']!r}.")
                continue
        seen.add((number, line_number))
        lines.append(
            (
                number,
                line_number,
                row["sku"][:40],
                row["el_number"][:20],
                (row["name"] or row["sku"] or row["el_number"])[:300],
                quantity,
                row["unit"][:20],
                unit_price,
            )
        )
    return lines, bad_orders


ORDER_FIELDS = ["customer_id", "number", "username", "ordered_at", "reference", "status", "total_excl_vat"]
LINE_FIELDS = ["sku", "el_number", "name", "quantity", "unit", "unit_price"]


def _merge_counts(cursor, sql: str, params=()) -> tuple[int, int]:
    """Run an INSERT … RETURNING (xmax = 0) and count (created, updated) rows."""
    cursor.execute(
        f"WITH merged AS ({sql} RETURNING (xmax = 0) AS created) "  # noqa: S608 (SQL of this module)
        "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM merged",
        params,
    )
    created, updated = cursor.fetchone()
    return created, updated


def _write_orders(rows: list[tuple], report: HistoryReport) -> None:
    if connection.vendor == "postgresql":
        table = LegacyOrder._meta.db_table
        columns = ", ".join(ORDER_FIELDS)
        changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in ORDER_FIELDS if c != "number")
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE tmp_legacy_order ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with cursor.copy(f"COPY tmp_legacy_order ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            created, updated = _merge_counts(
                cursor,
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM tmp_legacy_order "  # noqa: S608
                f"ON CONFLICT (number) DO UPDATE SET {changed} "
                f"WHERE ({', '.join(f'{table}.{c}' for c in ORDER_FIELDS)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in ORDER_FIELDS)})",
            )
            cursor.execute("DROP TABLE tmp_legacy_order")
    else:
        existing = {
            values[1]: values
            for values in LegacyOrder.objects.filter(number__in=[r[1] for r in rows]).values_list(
                *ORDER_FIELDS
            )
        }
        new = [r for r in rows if r[1] not in existing]
        changed = [r for r in rows if r[1] in existing and existing[r[1]] != r]
        LegacyOrder.objects.bulk_create(
            [LegacyOrder(**dict(zip(ORDER_FIELDS, r, strict=True))) for r in new + changed],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["number"],
            update_fields=[f for f in ORDER_FIELDS if f != "number"],
        )
        created, updated = len(new), len(changed)
    report.orders_created += created
    report.orders_updated += updated
    report.orders_unchanged += len(rows) - created - updated


def _write_lines(rows: list[tuple], bad_orders: set[str], report: HistoryReport) -> None:
    if connection.vendor == "postgresql":
        table = LegacyOrderLine._meta.db_table
        orders = LegacyOrder._meta.db_table
        tmp_columns = "order_number, line_number, " + ", ".join(LINE_FIELDS)
        target = "order_id, line_number, " + ", ".join(LINE_FIELDS)
        changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in LINE_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE tmp_legacy_line (order_number varchar(40), line_number integer, "
                "sku varchar(40), el_number varchar(20), name varchar(300), quantity numeric(12, 3), "
                "unit varchar(20), unit_price numeric(14, 2)) ON COMMIT DROP"
            )
            with cursor.copy(f"COPY tmp_legacy_line ({tmp_columns}) FROM STDIN") as copy:
                for row in rows:
                    if row[0] not in bad_orders:
                        copy.write_row(row)
            created, updated = _merge_counts(
                cursor,
                f"INSERT INTO {table} ({target}) SELECT o.id, t.line_number, "  # noqa: S608
                + ", ".join(f"t.{c}" for c in LINE_FIELDS)
                + f" FROM tmp_legacy_line t JOIN {orders} o ON o.number = t.order_number "
                f"ON CONFLICT (order_id, line_number) DO UPDATE SET {changed} "
                f"WHERE ({', '.join(f'{table}.{c}' for c in LINE_FIELDS)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in LINE_FIELDS)})",
            )
            cursor.execute("DROP TABLE tmp_legacy_line")
        total = sum(1 for row in rows if row[0] not in bad_orders)
    else:
        rows = [r for r in rows if r[0] not in bad_orders]
        ids = dict(LegacyOrder.objects.filter(number__in={r[0] for r in rows}).values_list("number", "pk"))
        existing = {
            (order_id, line_number): tuple(values)
            for order_id, line_number, *values in LegacyOrderLine.objects.filter(
                order_id__in=ids.values()
            ).values_list("order_id", "line_number", *LINE_FIELDS)
        }
        new, changed = [], []
        for number, line_number, *values in rows:
            key = (ids[number], line_number)
            if key not in existing:
                new.append((key, values))
            elif existing[key] != tuple(values):
                changed.append((key, values))
        LegacyOrderLine.objects.bulk_create(
            [
                LegacyOrderLine(
                    order_id=key[0], line_number=key[1], **dict(zip(LINE_FIELDS, values, strict=True))
                )
                for key, values in new + changed
            ],
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["order", "line_number"],
            update_fields=LINE_FIELDS,
        )
        created, updated, total = len(new), len(changed), len(rows)
    report.lines_created += created
    report.lines_updated += updated
    report.lines_unchanged += total - created - updated


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
