"""Buying in a company: «Ordregrense» and the approval of orders over it («Godkjenn» / «Avvis»).

The rule lives in `approval_required`: an order over the orderer's limit waits as «Venter på
godkjenning» until another Administrator of the customer decides. Nobody approves their own order,
so the orders of the customer's only active Administrator never wait (nobody could approve them).

`order_place` (shop.orders) asks the rule and, for a waiting order, queues the request to the
Administrators instead of the confirmation. `order_approve` re-prices the lines at today's prices,
places the order and sends the buyer the confirmation; `order_reject` records the reason and tells
the buyer, whose lines can go back into the cart with «Bestill på nytt».
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.services import customer_active_administrators
from core.email import email_enqueue

from .models import Order, OrderLine
from .pricing import Pricing, Totals

MAX_REASON_LENGTH = 1000


class ApprovalError(Exception):
    """The decision cannot be made; the message is for the user."""


def membership_of(*, user, customer) -> Membership | None:
    """The user's active membership at the customer (None for staff or a former member)."""
    if user is None:
        return None
    return Membership.objects.active().filter(user=user, customer=customer).first()


def approval_required(*, membership: Membership | None, total_excl_vat: Decimal) -> bool:
    """Does an order of `total_excl_vat` by `membership` wait for an Administrator's approval?"""
    if membership is None or membership.order_limit is None or total_excl_vat <= membership.order_limit:
        return False
    # One's own order cannot be approved: only another active Administrator can decide. Where there
    # is none (the orderer is the only one, or the others have not set a password yet), the order
    # would wait for nobody, so it is placed at once.
    return customer_active_administrators(membership.customer_id).exclude(user_id=membership.user_id).exists()


def approvers(order: Order) -> list[Membership]:
    """The memberships that may decide on `order`: the customer's other active Administrators."""
    return list(
        customer_active_administrators(order.customer_id)
        .exclude(user_id=order.user_id)
        .select_related("user")
        .order_by("pk")
    )


def _money(amount) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def approval_request_enqueue(*, order: Order) -> int:
    """Email every approver a link to the waiting order (in the placing transaction)."""
    url = settings.SHOP_URL + reverse("shop:order_approval", args=[order.pk])
    memberships = approvers(order)
    for membership in memberships:
        context = {
            "name": membership.user.get_short_name(),
            "buyer": order.user.get_full_name() if order.user else "",
            "order_number": order.number,
            "customer": f"{order.customer.number} {order.customer.name}",
            "reference": order.reference,
            "lines": order.lines.count() if order.pk else 0,
            "url": url,
        }
        if membership.can_see_prices:
            context["total_excl_vat"] = _money(order.total_excl_vat)
        email_enqueue(
            key=f"order-approval-request:{order.pk}:{membership.pk}",
            kind="order_approval_request",
            to=membership.user.email,
            template="email/shop/order_approval_request",
            context=context,
        )
    return len(memberships)


def order_get_for_decision(*, customer, pk) -> Order:
    """A waiting order of the customer, or 404 (another customer's id is never reachable)."""
    try:
        return (
            Order.objects.for_customer(customer)
            .pending()
            .select_related("user", "pickup_branch", "customer")
            .get(pk=pk)
        )
    except (Order.DoesNotExist, ValueError, TypeError):
        raise Http404


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
    from .orders import order_confirmation_enqueue

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
                key=f"order-rejected:{order.pk}",
                kind="order_rejected",
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
