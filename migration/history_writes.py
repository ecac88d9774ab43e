"""Writing the legacy history import's rows: COPY into temporary tables and one
`INSERT … ON CONFLICT DO UPDATE … WHERE IS DISTINCT FROM` per table on PostgreSQL (the ORM's
bulk_create of a million lines takes minutes, COPY seconds); bulk_create elsewhere (SQLite runs).
Both count created / updated / unchanged rows into the report and return the customers whose
history changed («Mine ordre» of each must be rendered afresh: shop.caching.orders_changed)."""

from decimal import Decimal

from django.db import connection

from .models import LegacyOrder, LegacyOrderLine

BATCH = 5000


ORDER_FIELDS = ["customer_id", "number", "username", "ordered_at", "reference", "status", "total_excl_vat"]
LINE_FIELDS = ["sku", "el_number", "name", "quantity", "unit", "unit_price"]


def _merge_counts(cursor, sql: str, *, returning: str, customers: str) -> tuple[int, int, set[int]]:
    """Run an INSERT … RETURNING (xmax = 0), `returning` and count (created, updated) rows; also
    the customer ids `customers` (an aggregate over the CTE `merged`) gives for the rows written."""
    cursor.execute(
        f"WITH merged AS ({sql} RETURNING (xmax = 0) AS created, {returning}) "  # noqa: S608 (SQL of this module)
        f"SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), {customers} FROM merged",
    )
    created, updated, customer_ids = cursor.fetchone()
    return created, updated, set(customer_ids or ())


def write_orders(rows: list[tuple], report) -> set[int]:
    """Upsert the order rows; returns the customers that gained, changed or lost an order."""
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
            # An order moved to another customer leaves the one it had (RETURNING names the new one).
            cursor.execute(
                f"SELECT DISTINCT o.customer_id FROM {table} o JOIN tmp_legacy_order t ON t.number = o.number "  # noqa: S608
                "WHERE o.customer_id <> t.customer_id"
            )
            customers = {customer_id for (customer_id,) in cursor.fetchall()}
            created, updated, written = _merge_counts(
                cursor,
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM tmp_legacy_order "  # noqa: S608
                f"ON CONFLICT (number) DO UPDATE SET {changed} "
                f"WHERE ({', '.join(f'{table}.{c}' for c in ORDER_FIELDS)}) "
                f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in ORDER_FIELDS)})",
                returning="customer_id",
                customers="array_agg(DISTINCT customer_id)",
            )
            customers |= written
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
        customers = {r[0] for r in new + changed} | {existing[r[1]][0] for r in changed}
    report.orders_created += created
    report.orders_updated += updated
    report.orders_unchanged += len(rows) - created - updated
    return customers


class LineSink:
    """Where the good lines go while the file is read: straight into a COPY to a temporary table on
    PostgreSQL (a million lines are never all in memory), a list elsewhere. `merge()` then drops the
    lines of skipped orders and upserts the rest."""

    def __enter__(self):
        self.postgres = connection.vendor == "postgresql"
        self.rows: list[tuple] = []
        if self.postgres:
            self.cursor = connection.cursor()
            self.cursor.execute(
                "CREATE TEMP TABLE tmp_legacy_line (order_number varchar(40), line_number integer, "
                "sku varchar(40), el_number varchar(20), name varchar(300), quantity numeric(12, 3), "
                "unit varchar(20), unit_price numeric(14, 2)) ON COMMIT DROP"
            )
            self._copy = self.cursor.copy(
                "COPY tmp_legacy_line (order_number, line_number, sku, el_number, name, quantity, unit, "
                "unit_price) FROM STDIN"
            )
            self.copy = self._copy.__enter__()
            self.add = self.copy.write_row
        else:
            self.add = self.rows.append
        return self

    def close_copy(self) -> None:
        if self.postgres and not self.copy_closed:
            self.copy_closed = True
            self._copy.__exit__(None, None, None)

    def __exit__(self, *exc):
        if self.postgres:
            if not self.copy_closed:
                self.copy_closed = True
                self._copy.__exit__(*exc)
            self.cursor.close()
        return False

    copy_closed = False

    def merge(self, bad_orders: set[str], report) -> set[int]:
        """Upsert the lines; returns the customers whose orders gained or changed a line."""
        if self.postgres:
            self.close_copy()
            created, updated, total, customers = _merge_lines_postgres(self.cursor, bad_orders)
        else:
            created, updated, total, customers = _merge_lines_orm([r for r in self.rows if r[0] not in bad_orders])
        report.lines_created += created
        report.lines_updated += updated
        report.lines_unchanged += total - created - updated
        return customers


def _merge_lines_postgres(cursor, bad_orders: set[str]) -> tuple[int, int, int, set[int]]:
    table = LegacyOrderLine._meta.db_table
    orders = LegacyOrder._meta.db_table
    target = "order_id, line_number, " + ", ".join(LINE_FIELDS)
    changed = ", ".join(f"{c} = EXCLUDED.{c}" for c in LINE_FIELDS)
    if bad_orders:
        cursor.execute("DELETE FROM tmp_legacy_line WHERE order_number = ANY(%s)", [sorted(bad_orders)])
    cursor.execute("SELECT count(*) FROM tmp_legacy_line")
    (total,) = cursor.fetchone()
    created, updated, customers = _merge_counts(
        cursor,
        f"INSERT INTO {table} ({target}) SELECT o.id, t.line_number, "  # noqa: S608
        + ", ".join(f"t.{c}" for c in LINE_FIELDS)
        + f" FROM tmp_legacy_line t JOIN {orders} o ON o.number = t.order_number "
        f"ON CONFLICT (order_id, line_number) DO UPDATE SET {changed} "
        f"WHERE ({', '.join(f'{table}.{c}' for c in LINE_FIELDS)}) "
        f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in LINE_FIELDS)})",
        returning="order_id",
        customers=f"(SELECT array_agg(DISTINCT o.customer_id) FROM {orders} o "  # noqa: S608
        "WHERE o.id IN (SELECT DISTINCT order_id FROM merged))",
    )
    cursor.execute("DROP TABLE tmp_legacy_line")
    return created, updated, total, customers


def _merge_lines_orm(rows: list[tuple]) -> tuple[int, int, int, set[int]]:
    def typed(values):
        sku, el_number, name, quantity, unit, price = values
        return (
            sku,
            el_number,
            name,
            Decimal(quantity).quantize(Decimal("0.001")),
            unit,
            None if price is None else Decimal(price).quantize(Decimal("0.01")),
        )

    orders = LegacyOrder.objects.filter(number__in={r[0] for r in rows}).values_list("number", "pk", "customer_id")
    ids = {number: pk for number, pk, _ in orders}
    customer_of = {pk: customer_id for _, pk, customer_id in orders}
    existing = {
        (order_id, line_number): tuple(values)
        for order_id, line_number, *values in LegacyOrderLine.objects.filter(order_id__in=ids.values()).values_list(
            "order_id", "line_number", *LINE_FIELDS
        )
    }
    new, changed = [], []
    for number, line_number, *values in rows:
        key, values = (ids[number], line_number), typed(values)
        if key not in existing:
            new.append((key, values))
        elif existing[key] != values:
            changed.append((key, values))
    LegacyOrderLine.objects.bulk_create(
        [
            LegacyOrderLine(order_id=key[0], line_number=key[1], **dict(zip(LINE_FIELDS, values, strict=True)))
            for key, values in new + changed
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["order", "line_number"],
        update_fields=LINE_FIELDS,
    )
    customers = {customer_of[key[0]] for key, _ in new + changed}
    return len(new), len(changed), len(rows), customers
