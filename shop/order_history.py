"""«Mine ordre»: searching a customer's orders and exporting them (reads only).

Search and export share one selector, so the export holds exactly the orders the list shows. Every
read here is a fixed number of queries whatever the number of orders: the list costs a count and a
page, an export one streamed query over the lines.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from .models import Order, OrderLine
from .models.orders import ORDER_NUMBER_OFFSET


def order_search(
    *,
    customer,
    text: str = "",
    start: date | None = None,
    end: date | None = None,
    user_id: int | None = None,
    status: str = "",
):
    """The customer's orders matching the filters of «Mine ordre», newest first."""
    orders = Order.objects.for_customer(customer).matching(text).placed_between(start, end)
    if user_id is not None:
        orders = orders.filter(user_id=user_id)
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def order_orderers(customer) -> list[tuple[int, str]]:
    """The people «Bestilt av» can filter on: the customer's members, also deactivated ones (their
    old orders stay theirs), by name. One query."""
    users = (
        get_user_model()
        .objects.filter(Q(memberships__customer=customer))
        .order_by("name", "email")
        .distinct()
        .values_list("pk", "name", "email")
    )
    return [(pk, name or email) for pk, name, email in users]


# The columns of an export, in the order and with the names of the legacy order-history import
# (`import_legacy_history`: order_number, line_number, sku, el_number, name, quantity, unit,
# unit_price) plus what a customer needs to reconcile: the date, reference, orderer, status and sum.
EXPORT_COLUMNS = [
    "order_number",
    "ordered_at",
    "reference",
    "ordered_by",
    "status",
    "line_number",
    "sku",
    "el_number",
    "name",
    "quantity",
    "unit",
    "unit_price",
    "line_total",
]


def order_export_rows(orders) -> Iterator[list]:
    """One row per order line of `orders` (a queryset), in the list's order: one streamed query.

    Plain tuples (`values_list`), not model instances: an export of 10^4-10^5 lines spends its time
    in Python, and building three model objects per line was most of it."""
    lines = (
        OrderLine.objects.filter(order__in=orders.order_by().values("pk"))
        .order_by("-order__created_at", "-order_id", "pk")
        .values_list(
            "order_id",
            "order__created_at",
            "order__reference",
            "order__status",
            "order__user__name",
            "order__user__email",
            "sku",
            "el_number",
            "name",
            "quantity",
            "unit",
            "unit_price",
            "line_total",
        )
    )
    labels = {value: str(label) for value, label in Order.Status.choices}
    current, number, head = None, 0, []
    for order_id, created, reference, status, user_name, user_email, *line in lines.iterator(chunk_size=2000):
        if order_id != current:
            current, number = order_id, 0
            head = [
                str(ORDER_NUMBER_OFFSET + order_id),
                timezone.localtime(created).date(),
                reference,
                user_name or user_email or "",
                labels.get(status, status),
            ]
        number += 1
        yield [*head, number, *line]


def order_export_rows_of_one(order: Order) -> Iterator[list]:
    """The export rows of one order (already fetched through the customer's door)."""
    return order_export_rows(Order.objects.filter(pk=order.pk))


class _Echo:
    def write(self, value):
        return value


def export_csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV text in the project's format (UTF-8, `;`, header row; decimals with a point), piece by
    piece for a streaming response. A byte-order mark first, so spreadsheet programs read æøå."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow([value.isoformat() if isinstance(value, date) else value for value in row])


def export_xlsx(rows: Iterable[list], *, title: str) -> bytes:
    """An XLSX workbook of `rows` with the export's header: numbers and dates as such, not text.

    openpyxl's write-only mode streams rows to a temporary file instead of holding every cell."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def export_csv(rows: Iterable[list]) -> str:
    """The whole CSV as one string (for one order: a handful of lines)."""
    buffer = io.StringIO()
    for piece in export_csv_lines(rows):
        buffer.write(piece)
    return buffer.getvalue()
