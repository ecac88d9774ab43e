"""COPY and sequence helpers for the seeder, and finding and deleting what seed_bench wrote."""

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from accounts.models import Branch, Customer, User
from migration.models import LegacyAccount
from shop.models import (
    Category,
    Product,
    Stock,
)

from .data import BENCH_DOMAIN, BRANCH_PREFIX, CUSTOMER_PREFIX, LEGACY_PREFIX, SKU_PREFIX


def _ascii(text: str) -> str:
    return text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a").replace(" ", "")


def _ore(amount: float) -> int:
    return int(round(amount * 100))


def _money(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def _columns(model, names: list[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def _copy(model, names: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into the model's table (psycopg 3); returns how many."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, names))
    count = 0
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


def _sync_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",  # noqa: S608
            [table],
        )


def bench_data_counts() -> dict[str, int]:
    return {
        "produkter": Product.objects.filter(sku__startswith=SKU_PREFIX).count(),
        "kunder": Customer.objects.filter(number__startswith=CUSTOMER_PREFIX).count(),
        "brukere": User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count(),
        "brukere i dagens nettbutikk": LegacyAccount.objects.filter(username__startswith=LEGACY_PREFIX).count(),
    }


def bench_reset(log: Callable[[str], None] = lambda _m: None) -> None:
    """Delete what seed_bench wrote (see the module docstring), in SQL: no per-row signals."""
    customers = "SELECT id FROM accounts_customer WHERE number LIKE %s"
    products = "SELECT id FROM shop_product WHERE sku LIKE %s"
    c, p = [f"{CUSTOMER_PREFIX}%"], [f"{SKU_PREFIX}%"]
    statements = [
        # Legacy accounts and what the migration flow wrote for them (events, moves, invitations).
        ('DELETE FROM core_outboundemail WHERE "to" LIKE %s', [f"%@{BENCH_DOMAIN}"]),
        (f"DELETE FROM migration_migrationevent WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM migration_moveinterest WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM migration_legacyaccount WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM migration_customermove WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM shop_orderline WHERE order_id IN (SELECT id FROM shop_order WHERE customer_id IN ({customers}))", c),  # noqa: S608
        (f"DELETE FROM shop_order WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM shop_cartline WHERE cart_id IN (SELECT id FROM shop_cart WHERE customer_id IN ({customers}))", c),  # noqa: S608
        (f"DELETE FROM shop_cart WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM shop_customernetprice WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM shop_customerdiscount WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM shop_address WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"DELETE FROM accounts_membership WHERE customer_id IN ({customers})", c),  # noqa: S608
        (f"UPDATE shop_orderline SET product_id = NULL WHERE product_id IN ({products})", p),  # noqa: S608
        (f"DELETE FROM shop_cartline WHERE product_id IN ({products})", p),  # noqa: S608
        (f"DELETE FROM shop_customernetprice WHERE product_id IN ({products})", p),  # noqa: S608
        (f"DELETE FROM shop_stock WHERE product_id IN ({products})", p),  # noqa: S608
        ("DELETE FROM shop_product WHERE sku LIKE %s", p),
        ("DELETE FROM accounts_customer WHERE number LIKE %s", c),
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
        # Users and branches through the ORM's cascade (few rows; other apps' rows go with them).
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
        Stock.objects.filter(branch__code__startswith=BRANCH_PREFIX).delete()
        if not Product.objects.exists():
            Category.objects.filter(parent__isnull=False).delete()
            Category.objects.all().delete()
        Branch.objects.filter(code__startswith=BRANCH_PREFIX).delete()
    log("Benkdata slettet.")
