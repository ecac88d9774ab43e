"""Checkout, confirmation, «Mine ordre», order detail, «Bestill på nytt», delivery addresses."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import customer_required

from ..caching import cached_fragment, cached_page, orders_version
from ..cart import cart_add_from_order, cart_get_or_create, cart_summary
from ..forms import CheckoutForm, OrderSearchForm
from ..history import orders_with_history
from ..limits import approval_required
from ..models import Order
from ..order_history import order_orderers, order_search
from ..orders import OrderError, address_deactivate, order_place
from ..pricing import pricing_for_request
from ..selectors import (
    address_get_for_customer,
    address_list_for_customer,
    order_get_by_token_for_customer,
    order_get_for_customer,
    order_list_pending_for_approver,
)
from .cart import ORDER_ROLES, _cart_for


@customer_required(roles=ORDER_ROLES)
def checkout(request):
    """«Til kassen»: delivery or pickup, «Deres referanse», date, comment → «Send bestilling»."""
    customer = request.tenant.customer
    if request.method == "POST":
        # A resubmitted form (double click, back button) leads to the order it already placed.
        placed = order_get_by_token_for_customer(customer=customer, token=request.POST.get("token", ""))
        if placed is not None:
            return redirect("shop:order_confirmation", pk=placed.pk)

    cart = _cart_for(request)
    summary = cart_summary(cart=cart, pricing=pricing_for_request(request), branch=request.tenant.branch)
    if not summary.lines:
        messages.info(request, _("Handlekurven er tom. Legg til varer før du går til kassen."))
        return redirect("shop:cart")

    form = CheckoutForm(
        request.POST or None,
        customer=customer,
        initial={"token": uuid.uuid4(), "cart_version": summary.version},
    )
    if request.method == "POST" and form.is_valid() and form.cleaned_data["cart_version"] != summary.version:
        # The cart changed in another tab since the form was shown: show the new content first.
        messages.warning(
            request, _("Handlekurven er endret siden du åpnet kassen. Sjekk bestillingen og send på nytt.")
        )
        form = CheckoutForm(
            customer=customer,
            initial={**form.cleaned_data, "token": uuid.uuid4(), "cart_version": summary.version},
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        delivery = data["delivery_method"] == Order.Delivery.DELIVERY
        address = data.get("address_obj") if delivery else None
        new_address = None
        if delivery and address is None:
            new_address = {
                "name": data["new_name"],
                "street": data["new_street"],
                "postal_code": data["new_postal_code"],
                "city": data["new_city"],
            }
        try:
            order, _created = order_place(
                cart=cart,
                user=request.user,
                token=data["token"],
                delivery_method=data["delivery_method"],
                address=address,
                new_address=new_address,
                pickup_branch=data.get("pickup_branch"),
                reference=data["reference"],
                requested_date=data["requested_date"],
                comment=data["comment"],
            )
        except OrderError as error:
            messages.error(request, str(error))
            return redirect("shop:cart")
        return redirect("shop:order_confirmation", pk=order.pk)
    # Said before «Send bestilling», not after: this order will wait for an Administrator.
    needs_approval = summary.totals is not None and approval_required(
        membership=request.tenant.membership, total_excl_vat=summary.totals.excl_vat
    )
    return render(
        request,
        "shop/checkout.html",
        {"form": form, "summary": summary, "customer": customer, "needs_approval": needs_approval},
    )


def _order_context(request, order):
    lines = list(order.lines.select_related("product"))
    return {"order": order, "lines": lines, "can_order": request.tenant.membership.can_order}


@customer_required
def order_confirmation(request, pk):
    order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
    return render(request, "shop/order_detail.html", {**_order_context(request, order), "confirmation": True})


@customer_required
def order_detail(request, pk):
    order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
    return render(request, "shop/order_detail.html", _order_context(request, order))


@customer_required
def order_list(request):
    """«Mine ordre»: the current customer's orders, newest first, searchable and filtered.

    The whole page is cached per user under the customer's orders version (shop.caching), which
    every write to what it shows moves: a repeated view costs no query and no rendering.
    """
    customer = request.tenant.customer
    version = orders_version(customer.pk)  # read before the rows, so a write meanwhile orphans the page

    def context():
        form = OrderSearchForm(request.GET or None, orderers=order_orderers(customer))
        filters = form.filters()
        orders = order_search(customer=customer, **filters).select_related("user", "pickup_branch")
        # Then the history other apps keep (the old shop's orders), filtered alike: shop.history.
        orders = orders_with_history(orders, customer=customer, **filters)
        page = Paginator(orders, 25).get_page(request.GET.get("side"))
        rows = list(page.object_list)
        params = request.GET.copy()
        params.pop("side", None)
        # The table as rendered is shared by the customer's users, keyed by what it shows that can
        # change (status, reference, who ordered), the page's place in the list and (through the
        # URL) the filters.
        table = cached_fragment(
            request,
            "orders",
            "shop/_order_table.html",
            lambda: {
                "page": page,
                "orders": rows,
                "page_query": params.urlencode(),
                "filtered": any(filters.values()),
            },
            parts=(
                page.number,
                page.paginator.count,
                [(o.pk, o.status, o.reference, str(o.user or "")) for o in rows],
            ),
        )
        awaiting = []
        if request.tenant.membership.is_administrator:  # «Venter på godkjenning»: what this admin can decide
            awaiting = order_list_pending_for_approver(customer=customer, user=request.user)
        return {
            "table": table,
            "orders": rows,
            "form": form,
            "count": page.paginator.count,
            "query": params.urlencode(),
            "awaiting": awaiting,
        }

    return cached_page(request, "shop/orders.html", context, parts=("orders", version))


@customer_required(roles=ORDER_ROLES)
@require_POST
def order_reorder(request, pk):
    """«Bestill på nytt»: the order's lines go into the cart; products no longer sold are skipped."""
    order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
    cart = cart_get_or_create(customer=request.tenant.customer, user=request.user)
    added, skipped = cart_add_from_order(cart=cart, order=order)
    if added:
        messages.success(
            request, _("Varene fra ordre %(number)s er lagt i handlekurven.") % {"number": order.number}
        )
    if skipped:
        messages.warning(
            request,
            _("Disse varene selges ikke lenger og ble ikke lagt til: %(names)s")
            % {"names": "; ".join(skipped)},
        )
    return redirect("shop:cart")


@customer_required
def address_list(request):
    addresses = address_list_for_customer(customer=request.tenant.customer)
    return render(
        request,
        "shop/addresses.html",
        {"addresses": addresses, "can_order": request.tenant.membership.can_order},
    )


@customer_required(roles=ORDER_ROLES)
@require_POST
def address_delete(request, pk):
    address = address_get_for_customer(customer=request.tenant.customer, pk=pk)
    address_deactivate(address=address)
    messages.success(request, _("Adressen er fjernet: %(address)s") % {"address": address})
    return redirect("shop:addresses")
