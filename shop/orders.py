"""Placing orders (with a new delivery address in the same transaction), hiding addresses, the
confirmation email. Reads live in `shop.selectors`."""

import uuid
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.email import email_enqueue

from .caching import orders_changed
from .limits import approval_request_enqueue, approval_required, membership_of
from .models import Address, Cart, CartLine, Order, OrderLine
from .pricing import Pricing, Totals


class OrderError(Exception):
    """The order cannot be placed; the message is for the user."""


def address_create(*, customer, name: str, street: str, postal_code: str, city: str) -> Address:
    address, _ = Address.objects.get_or_create(
        customer=customer,
        name=name.strip(),
        street=street.strip(),
        postal_code=postal_code.strip(),
        city=city.strip(),
        is_active=True,
    )
    return address


def address_deactivate(*, address: Address) -> None:
    """Addresses are hidden, not deleted: old orders keep their snapshot and the link."""
    address.is_active = False
    address.save(update_fields=["is_active"])


def order_place(
    *,
    cart: Cart,
    user,
    token: uuid.UUID,
    delivery_method: str,
    address: Address | None = None,
    new_address: dict | None = None,
    pickup_branch=None,
    reference: str = "",
    requested_date: date | None = None,
    comment: str = "",
) -> tuple[Order, bool]:
    """Turn the open cart into an order: price snapshot, cart closed, confirmation email queued.

    An order over the orderer's «Ordregrense» is saved as «Venter på godkjenning» instead, and the
    customer's Administrators are emailed (shop.limits decides).

    Idempotent: the checkout form's `token` is stored unique on the order and the cart row is
    locked, so a double click, a second tab or the back button returns the one order already
    placed (`created` False) instead of creating another.

    Delivery goes to one of the customer's `address`es or to a `new_address` (name, street,
    postal_code, city), which is saved for next time in the order's transaction: a refused order
    leaves no address behind.
    """
    if delivery_method == Order.Delivery.DELIVERY and (
        (address is None and not new_address)
        or (address is not None and address.customer_id != cart.customer_id)
    ):
        raise OrderError(_("Velg en leveringsadresse."))
    if delivery_method == Order.Delivery.PICKUP and pickup_branch is None:
        raise OrderError(_("Velg avdelingen du vil hente i."))
    if requested_date is not None and requested_date < timezone.localdate():
        raise OrderError(_("Ønsket leveringsdato kan ikke være tilbake i tid."))

    try:
        with transaction.atomic():
            locked = Cart.objects.select_for_update().select_related("customer").get(pk=cart.pk)
            existing = (
                Order.objects.filter(idempotency_token=token).first()
                or Order.objects.filter(cart=locked).first()
            )
            if existing is not None:
                if existing.customer_id != locked.customer_id:
                    raise OrderError(_("Bestillingen kunne ikke sendes. Prøv igjen."))
                return existing, False
            if locked.status != Cart.Status.OPEN:
                raise OrderError(_("Handlekurven er allerede bestilt."))
            lines = list(CartLine.objects.filter(cart=locked).select_related("product"))
            inactive = [line.product for line in lines if not line.product.is_active]
            if inactive:
                raise OrderError(
                    _("Disse varene selges ikke lenger, fjern dem fra handlekurven: %(names)s")
                    % {"names": ", ".join(p.name for p in inactive)}
                )
            if not lines:
                raise OrderError(_("Handlekurven er tom."))

            customer = locked.customer
            if delivery_method == Order.Delivery.DELIVERY and address is None:
                address = address_create(customer=customer, **new_address)
            prices = Pricing(customer).prices([line.product for line in lines])
            order_lines, total = [], 0
            for line in lines:
                price = prices[line.product_id]
                line_total = price.amount * line.quantity
                total += line_total
                order_lines.append(
                    OrderLine(
                        product=line.product,
                        sku=line.product.sku,
                        el_number=line.product.el_number,
                        name=line.product.name,
                        unit=line.product.unit,
                        quantity=line.quantity,
                        list_price=price.list_price,
                        unit_price=price.amount,
                        line_total=line_total,
                    )
                )
            totals = Totals.of(total)
            membership = membership_of(user=user, customer=customer)
            pending = approval_required(membership=membership, total_excl_vat=totals.excl_vat)
            order = Order(
                status=Order.Status.PENDING if pending else Order.Status.RECEIVED,
                customer=customer,
                branch_id=customer.branch_id,
                user=user,
                cart=locked,
                idempotency_token=token,
                delivery_method=delivery_method,
                reference=reference.strip(),
                requested_date=requested_date,
                comment=comment.strip(),
                total_excl_vat=totals.excl_vat,
                vat=totals.vat,
                total_incl_vat=totals.incl_vat,
            )
            if delivery_method == Order.Delivery.PICKUP:
                order.pickup_branch = pickup_branch
            else:
                order.address = address
                order.delivery_name = address.name
                order.delivery_street = address.street
                order.delivery_postal_code = address.postal_code
                order.delivery_city = address.city
            order.save()
            for order_line in order_lines:
                order_line.order = order
            OrderLine.objects.bulk_create(order_lines)
            orders_changed([customer.pk])  # bulk_create sends no signal; «Mine ordre» finds the lines
            locked.status = Cart.Status.ORDERED
            locked.save(update_fields=["status", "updated_at"])
            if pending:
                approval_request_enqueue(order=order)
            else:
                order_confirmation_enqueue(order=order, lines=order_lines, membership=membership)
            return order, True
    except IntegrityError:
        # A parallel submit with the same token won the race between our check and our insert.
        order = Order.objects.filter(idempotency_token=token).first()
        if order is None:
            raise
        return order, False


def _money(amount) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def order_confirmation_enqueue(*, order: Order, lines: list[OrderLine], membership=None) -> None:
    """Queue the confirmation email (in the placing transaction: sent once, after commit).

    A buyer without «Kan se priser» gets it without a single amount: the prices are left out of the
    outbox row itself, not just out of the rendered text.
    """
    if not order.user or not order.user.email:
        return
    if membership is None:
        membership = membership_of(user=order.user, customer=order.customer)
    show_prices = membership is None or membership.can_see_prices
    context = {
        "order_id": order.pk,  # the PDF attachment is rendered from the order when the email is sent
        "order_number": order.number,
        "customer": f"{order.customer.number} {order.customer.name}",
        "name": order.user.get_short_name(),
        "created": formats.date_format(timezone.localtime(order.created_at), "j. F Y H:i"),
        "delivery": str(order.delivery_summary),
        "reference": order.reference,
        "requested_date": formats.date_format(order.requested_date, "j. F Y") if order.requested_date else "",
        "comment": order.comment,
        "lines": [
            {"sku": line.sku, "name": line.name, "quantity": line.quantity, "unit": line.unit}
            | (
                {"unit_price": _money(line.unit_price), "line_total": _money(line.line_total)}
                if show_prices
                else {}
            )
            for line in lines
        ],
        "show_prices": show_prices,
        "order_url": settings.SHOP_URL + reverse("shop:order_detail", args=[order.pk]),
    }
    if show_prices:
        context |= {
            "total_excl_vat": _money(order.total_excl_vat),
            "vat": _money(order.vat),
            "total_incl_vat": _money(order.total_incl_vat),
        }
    email_enqueue(
        key=f"shop.order_confirmation:{order.pk}",
        kind="shop.order_confirmation",
        to=order.user.email,
        template="email/shop/order_confirmation",
        context=context,
    )
