"""An order and «Mine ordre» as files: PDF, CSV and XLSX. Everything is scoped to the current customer."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.tenancy import customer_required

from ..forms import OrderSearchForm
from ..order_documents import order_pdf, order_pdf_filename
from ..order_history import (
    export_csv,
    export_csv_lines,
    export_xlsx,
    order_export_rows,
    order_export_rows_of_one,
    order_orderers,
    order_search,
)
from ..selectors import order_get_for_customer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Order data is the customer's: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
def order_pdf_download(request, pk):
    """«Last ned PDF»."""
    order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
    response = HttpResponse(order_pdf(order), content_type="application/pdf")
    return _attachment(response, order_pdf_filename(order))


def _one_order(request, pk):
    order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
    return order, order_export_rows_of_one(order)


@customer_required
def order_csv(request, pk):
    order, rows = _one_order(request, pk)
    response = HttpResponse(export_csv(rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"ordre-{order.number}.csv")


@customer_required
def order_xlsx(request, pk):
    order, rows = _one_order(request, pk)
    title = _("Ordre %(number)s") % {"number": order.number}
    return _attachment(HttpResponse(export_xlsx(rows, title=title), content_type=XLSX), f"ordre-{order.number}.xlsx")


def _listed_orders(request):
    """The orders «Mine ordre» shows for the same search and filters (every page of them)."""
    customer = request.tenant.customer
    form = OrderSearchForm(request.GET or None, orderers=order_orderers(customer))
    return order_search(customer=customer, **form.filters())


def _export_name(extension: str) -> str:
    return f"mine-ordre-{timezone.localdate().isoformat()}.{extension}"


@customer_required
def orders_csv(request):
    response = StreamingHttpResponse(
        export_csv_lines(order_export_rows(_listed_orders(request))), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, _export_name("csv"))


@customer_required
def orders_xlsx(request):
    data = export_xlsx(order_export_rows(_listed_orders(request)), title=_("Mine ordre"))
    return _attachment(HttpResponse(data, content_type=XLSX), _export_name("xlsx"))
