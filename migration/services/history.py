"""History carried over from the old shop: favourites become an order list, «Bestill på nytt» for a
legacy order, and what staff see of it. The import itself is `migration.history_import`."""

import math

from django.utils import timezone

from shop.lists import order_list_create
from shop.selectors import product_list_by_numbers

from ..models import LegacyAccount, LegacyFavourite, LegacyFavouritesCarried, LegacyOrder, LegacyOrderLine

FAVOURITES_LIST_NAME = "Favoritter fra dagens nettbutikk"  # a contract (PRODUCT.md): not translated


def legacy_favourites_carry_over(*, account: LegacyAccount):
    """Turn a moved account's favourites into its user's order list «Favoritter fra dagens nettbutikk».

    Once per account (a list the user later renames or deletes is not made again). Favourites are
    matched to today's active products by varenummer, else EL-nummer; the others are left out.
    Returns the list, or None when nothing was made. Call inside a transaction.
    """
    if account.user_id is None or LegacyFavouritesCarried.objects.filter(account=account).exists():
        return None
    favourites = list(account.favourites.order_by("pk"))
    if not favourites:
        return None
    matched = product_list_by_numbers(
        skus=[f.sku for f in favourites if f.sku], el_numbers=[f.el_number for f in favourites if f.el_number]
    )
    items = []
    for favourite in favourites:
        product = matched.get(("sku", favourite.sku.upper())) or matched.get(("el", favourite.el_number))
        if product is not None:
            items.append((product, favourite.quantity))
    order_list = None
    if items:
        order_list = order_list_create(
            customer=account.customer, owner=account.user, name=FAVOURITES_LIST_NAME, items=items
        )
    LegacyFavouritesCarried.objects.create(account=account, order_list=order_list, at=timezone.now())
    return order_list


def legacy_order_lines_to_cart_items(*, order: LegacyOrder):
    """«Bestill på nytt» for a legacy order: (items for the cart, names of the lines not sold today).

    A line matches today's active product by varenummer, else EL-nummer; quantities are rounded up
    to whole units (the cart counts units). Two queries however long the order.
    """
    lines = list(order.lines.all())
    matched = product_list_by_numbers(
        skus=[line.sku for line in lines if line.sku],
        el_numbers=[line.el_number for line in lines if line.el_number],
    )
    items, missing = [], []
    for line in lines:
        product = matched.get(("sku", line.sku.upper())) if line.sku else None
        if product is None and line.el_number:
            product = matched.get(("el", line.el_number))
        if product is None or line.quantity <= 0:
            missing.append(" ".join(part for part in (line.sku or line.el_number, line.name) if part))
        else:
            items.append((product, max(1, math.ceil(line.quantity))))
    return items, missing


def customer_history_counts(*, customer) -> dict[str, int]:
    """How much history was carried over for a customer (the admin page shows it)."""
    return {
        "orders": LegacyOrder.objects.filter(customer=customer).count(),
        "lines": LegacyOrderLine.objects.filter(order__customer=customer).count(),
        "favourites": LegacyFavourite.objects.filter(account__customer=customer).count(),
        "lists": LegacyFavouritesCarried.objects.filter(
            account__customer=customer, order_list__isnull=False
        ).count(),
    }
