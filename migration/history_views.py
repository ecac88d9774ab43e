"""A legacy order's page and its «Bestill på nytt» (the list itself is «Mine ordre», shop's view)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import customer_required
from shop.cart import cart_add_many, cart_get_or_create
from shop.views.cart import ORDER_ROLES

from .order_history import legacy_order_get_for_customer, legacy_order_lines, legacy_order_orderer_name
from .services.history import legacy_order_lines_to_cart_items


@customer_required
def legacy_order_detail(request, pk):
    order = legacy_order_get_for_customer(customer=request.tenant.customer, pk=pk)
    return render(
        request,
        "migration/legacy_order_detail.html",
        {
            "order": order,
            "lines": legacy_order_lines(order=order),
            "orderer": legacy_order_orderer_name(order=order),
            "can_order": request.tenant.membership.can_order,
        },
    )


@customer_required(roles=ORDER_ROLES)
@require_POST
def legacy_order_reorder(request, pk):
    """The lines sold today go into the cart (at today's price: the cart prices them); the others
    are named."""
    order = legacy_order_get_for_customer(customer=request.tenant.customer, pk=pk)
    items, missing = legacy_order_lines_to_cart_items(order=order)
    if items:
        cart = cart_get_or_create(customer=request.tenant.customer, user=request.user)
        cart_add_many(cart=cart, items=items)
        messages.success(
            request,
            _("Varene fra ordre %(number)s i dagens nettbutikk er lagt i handlekurven til dagens pris.")
            % {"number": order.number},
        )
    if missing:
        messages.warning(
            request,
            _("Disse varene finnes ikke i sortimentet lenger og ble ikke lagt til: %(names)s")
            % {"names": "; ".join(missing)},
        )
    return redirect("shop:cart")
