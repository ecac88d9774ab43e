"""«Bestillingslister»: saved lists of products and quantities, private or shared in the customer.

Reads are in shop.selectors (`order_list_get_for_user`: the customer's lists the user may see, their
own and the shared ones; anything else is a 404). Changes go through `order_list_check_can_change`: a
private list is its owner's; a shared list is changed by its owner or an Administrator.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role

from .cart import MAX_QUANTITY, QuickOrderProblem, cart_add_many, quick_order_parse
from .models import Cart, OrderList, OrderListLine, Product

MAX_LINES = 500


class OrderListError(Exception):
    """The change is not allowed or the input is bad; the message is for the user."""


def order_list_can_change(*, order_list: OrderList, membership) -> bool:
    if membership is None or membership.customer_id != order_list.customer_id:
        return False
    if order_list.owner_id == membership.user_id:
        return True
    return order_list.is_shared and membership.role == Role.ADMINISTRATOR


def order_list_check_can_change(*, order_list: OrderList, membership) -> None:
    if not order_list_can_change(order_list=order_list, membership=membership):
        raise OrderListError(
            _("Bare den som laget listen eller en administrator kan endre en delt bestillingsliste.")
        )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OrderListError(_("Gi listen et navn."))
    if len(name) > 100:
        raise OrderListError(_("Navnet kan være høyst 100 tegn."))
    return name


def order_list_create(*, customer, owner, name: str, is_shared: bool = False, items=()) -> OrderList:
    """A new list, optionally filled with `(product, quantity)` items (e.g. from the cart)."""
    with transaction.atomic():
        order_list = OrderList.objects.create(
            customer=customer, owner=owner, name=_clean_name(name), is_shared=is_shared
        )
        if items:
            _add_items(order_list, list(items))
    return order_list


def order_list_create_from_cart(*, cart: Cart | None, owner, name: str, is_shared: bool = False) -> OrderList:
    if cart is None or not cart.lines.exists():
        raise OrderListError(_("Handlekurven er tom. Legg varer i den først."))
    items = [
        (line.product, line.quantity)
        for line in cart.lines.select_related("product").order_by("added_at", "pk")
    ]
    return order_list_create(customer=cart.customer, owner=owner, name=name, is_shared=is_shared, items=items)


def order_list_update(*, order_list: OrderList, membership, name: str, is_shared: bool) -> OrderList:
    order_list_check_can_change(order_list=order_list, membership=membership)
    order_list.name = _clean_name(name)
    order_list.is_shared = is_shared
    order_list.save(update_fields=["name", "is_shared", "updated_at"])
    return order_list


def order_list_delete(*, order_list: OrderList, membership) -> None:
    order_list_check_can_change(order_list=order_list, membership=membership)
    order_list.delete()


def _add_items(order_list: OrderList, items: list[tuple[Product, int]]) -> int:
    """Add items to the list; a product already on it grows. A constant number of queries."""
    merged: dict[int, list] = {}
    for product, quantity in items:
        entry = merged.setdefault(product.pk, [product, 0])
        entry[1] += quantity
    existing = {
        line.product_id: line
        for line in OrderListLine.objects.filter(order_list=order_list, product_id__in=merged)
    }
    if (
        OrderListLine.objects.filter(order_list=order_list).count() + len(set(merged) - set(existing))
        > MAX_LINES
    ):
        raise OrderListError(_("En bestillingsliste kan ha høyst %(max)s linjer.") % {"max": MAX_LINES})
    position = (
        OrderListLine.objects.filter(order_list=order_list).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    new, changed = [], []
    for product_id, (product, quantity) in merged.items():
        line = existing.get(product_id)
        if line is None:
            new.append(
                OrderListLine(
                    order_list=order_list,
                    product=product,
                    sku=product.sku,
                    name=product.name,
                    quantity=min(quantity, MAX_QUANTITY),
                    position=position,
                )
            )
            position += 1
        else:
            line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
            changed.append(line)
    OrderListLine.objects.bulk_create(new)
    OrderListLine.objects.bulk_update(changed, ["quantity"])
    OrderList.objects.filter(pk=order_list.pk).update(updated_at=timezone.now())
    return len(new) + len(changed)


def order_list_add(*, order_list: OrderList, membership, product: Product, quantity: int) -> None:
    """«Legg i bestillingsliste» from a product page or a list."""
    order_list_check_can_change(order_list=order_list, membership=membership)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OrderListError(_("Skriv et antall mellom 1 og 99 999."))
    with transaction.atomic():
        OrderList.objects.select_for_update().get(pk=order_list.pk)
        _add_items(order_list, [(product, quantity)])


def order_list_set_quantities(*, order_list: OrderList, membership, quantities: dict[int, int]) -> int:
    """Edit quantities: {line id: quantity}; 0 removes the line. Ids of other lists are ignored."""
    order_list_check_can_change(order_list=order_list, membership=membership)
    for quantity in quantities.values():
        if not 0 <= quantity <= MAX_QUANTITY:
            raise OrderListError(_("Skriv et antall mellom 0 og 99 999."))
    with transaction.atomic():
        OrderList.objects.select_for_update().get(pk=order_list.pk)
        lines = list(OrderListLine.objects.filter(order_list=order_list, pk__in=quantities))
        removed = [line.pk for line in lines if quantities[line.pk] == 0]
        changed = []
        for line in lines:
            if quantities[line.pk] and quantities[line.pk] != line.quantity:
                line.quantity = quantities[line.pk]
                changed.append(line)
        OrderListLine.objects.filter(pk__in=removed).delete()
        OrderListLine.objects.bulk_update(changed, ["quantity"])
        order_list.save(update_fields=["updated_at"])
    return len(removed) + len(changed)


@dataclass
class ImportResult:
    added: int = 0
    problems: list[QuickOrderProblem] = field(default_factory=list)


def order_list_import(*, order_list: OrderList, membership, text: str) -> ImportResult:
    """Import `number;quantity` lines (the quick order's format and rules); bad lines are reported."""
    order_list_check_can_change(order_list=order_list, membership=membership)
    parsed = quick_order_parse(text)
    result = ImportResult(problems=parsed.problems)
    if parsed.items:
        with transaction.atomic():
            OrderList.objects.select_for_update().get(pk=order_list.pk)
            result.added = _add_items(order_list, parsed.items)
    return result


def order_list_export(*, order_list: OrderList) -> str:
    """The list as `number;quantity` CSV with a header: imports back here and into «Hurtigbestilling»."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["number", "quantity"])
    for line in order_list.lines.order_by("position", "pk"):
        writer.writerow([line.sku, line.quantity])
    return out.getvalue()


def order_list_to_cart(*, order_list: OrderList, cart: Cart) -> tuple[int, list[str]]:
    """«Legg alt i handlekurven»: the list's lines go into the cart; lines whose product is no longer
    sold are skipped and returned by number and name so the user can be told."""
    lines = list(order_list.lines.select_related("product").order_by("position", "pk"))
    items, gone = [], []
    for line in lines:
        if line.product is None or not line.product.is_active:
            gone.append(f"{line.sku} {line.name}")
        else:
            items.append((line.product, line.quantity))
    if items:
        cart_add_many(cart=cart, items=items)
    return len(items), gone
