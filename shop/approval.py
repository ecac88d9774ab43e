"""Decisions on orders waiting for approval («Venter på godkjenning»): «Godkjenn» and «Avvis».

Whether an order waits, and who is asked, is shop.limits. `order_approve` re-prices the lines at
today's prices, places the order and sends the buyer the confirmation; `order_reject` records the
reason and tells the buyer, whose lines can go back into the cart with «Bestill på nytt».
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from core.email import email_enqueue

from .caching import orders_changed
from .limits import membership_of
from .models import Order, OrderLine
from .orders import order_confirmation_enqueue
from .pricing import Pricing, Totals

MAX_REASON_LENGTH = 1000


class ApprovalError(Exception):
    """The decision cannot be made; the message is for the user."""


def _check_decider(*, order: Order, decided_by) -> None:
    membership = membership_of(user=decided_by, customer=order.customer)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise ApprovalError(_("Bare en administrator hos kunden kan godkjenne eller avvise ordren."))
    if order.user_id == decided_by.pk:
        raise ApprovalError(_("Du kan ikke godkjenne eller avvise din egen ordre."))
    if order.status != Order.Status.PENDING:
        raise ApprovalError(
            _("Ordren venter ikke lenger på godkjenning (status: %(status)s).")
            % {"status": order.status_label}
        )


def order_reprice(*, order: Order) -> tuple[list[OrderLine], Totals, list[str]]:
    """The order's lines at today's prices (not saved), the new totals, and the lines no longer sold."""
    lines = list(order.lines.select_related("product"))
    gone = [f"{line.sku} {line.name}" for line in lines if line.product is None or not line.product.is_active]
    sold = [line for line in lines if line.product is not None and line.product.is_active]
    prices = Pricing(order.customer).prices([line.product for line in sold])
    total = Decimal(0)
    for line in sold:
        price = prices[line.product_id]
        line.list_price, line.unit_price = price.list_price, price.amount
        line.line_total = price.amount * line.quantity
        total += line.line_total
    return lines, Totals.of(total), gone


def order_approve(*, order: Order, decided_by) -> Order:
    """«Godkjenn»: re-check prices, place the order (status «Mottatt»), send the buyer the confirmation."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("customer", "user").get(pk=order.pk)
        )
        _check_decider(order=order, decided_by=decided_by)
        lines, totals, gone = order_reprice(order=order)
        if gone:
            raise ApprovalError(
                _("Disse varene selges ikke lenger: %(names)s. Avvis ordren, så kan innkjøperen rette den.")
                % {"names": "; ".join(gone)}
            )
        OrderLine.objects.bulk_update(lines, ["list_price", "unit_price", "line_total"])
        orders_changed([order.customer_id])  # bulk_update sends no signal (the order's save below does)
        order.total_excl_vat, order.vat, order.total_incl_vat = totals.excl_vat, totals.vat, totals.incl_vat
        order.status = Order.Status.RECEIVED
        order.decided_by, order.decided_at = decided_by, timezone.now()
        order.save(
            update_fields=["total_excl_vat", "vat", "total_incl_vat", "status", "decided_by", "decided_at"]
        )
        order_confirmation_enqueue(order=order, lines=lines)
    return order


def order_reject(*, order: Order, decided_by, reason: str) -> Order:
    """«Avvis» with a reason: the order is not placed; the buyer is told why by email."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError(_("Skriv en begrunnelse, så innkjøperen vet hva som må endres."))
    if len(reason) > MAX_REASON_LENGTH:
        raise ApprovalError(_("Begrunnelsen kan være høyst %(max)s tegn.") % {"max": MAX_REASON_LENGTH})
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("customer", "user").get(pk=order.pk)
        )
        _check_decider(order=order, decided_by=decided_by)
        order.status = Order.Status.REJECTED
        order.decided_by, order.decided_at = decided_by, timezone.now()
        order.rejection_reason = reason
        order.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
        if order.user and order.user.email:
            email_enqueue(
                key=f"shop.order_rejected:{order.pk}",
                kind="shop.order_rejected",
                to=order.user.email,
                template="email/shop/order_rejected",
                context={
                    "name": order.user.get_short_name(),
                    "order_number": order.number,
                    "customer": f"{order.customer.number} {order.customer.name}",
                    "decided_by": decided_by.get_full_name(),
                    "reason": reason,
                    "order_url": settings.SHOP_URL + reverse("shop:order_detail", args=[order.pk]),
                },
            )
    return order
