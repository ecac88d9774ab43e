"""Cart, quick order («Hurtigbestilling»)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import customer_required, redirect_back

from ..caching import cached_fragment, cached_page
from ..cart import (
    cart_add,
    cart_add_many,
    cart_clear,
    cart_get_or_create,
    cart_line_remove,
    cart_line_set_quantity,
    cart_summary,
    quick_order_parse,
)
from ..forms import LineQuantityForm, QuantityForm, QuickOrderForm
from ..pricing import pricing_for_request
from ..selectors import cart_get_open, cart_line_get_for_customer, product_get_active

ORDER_ROLES = [Role.ADMINISTRATOR, Role.BUYER]


def _cart_for(request, *, create=False):
    kwargs = {"customer": request.tenant.customer, "user": request.user}
    return cart_get_or_create(**kwargs) if create else cart_get_open(**kwargs)


def _cart_line(request, pk):
    return cart_line_get_for_customer(customer=request.tenant.customer, user=request.user, pk=pk)


@customer_required
def cart_detail(request):
    cart = _cart_for(request)
    can_order = request.tenant.membership.can_order
    # The cart as rendered is cached: every change to its lines moves `updated_at`, and the catalogue
    # version covers prices and stock, so an unchanged cart is neither priced nor rendered twice.
    parts = (cart.pk, cart.updated_at) if cart else None

    def context():
        body = cached_fragment(
            request,
            "cart",
            "shop/_cart_body.html",
            lambda: {
                "summary": cart_summary(cart=cart, pricing=pricing_for_request(request), branch=request.tenant.branch),
                "can_order": can_order,
            },
            parts=parts,
        )
        return {"body": body, "can_order": can_order}

    return cached_page(request, "shop/cart.html", context, parts=parts)


@customer_required(roles=ORDER_ROLES)
@require_POST
def cart_add_view(request):
    product_id = request.POST.get("product", "")
    product = product_get_active(pk=product_id if product_id.isdigit() else 0)
    form = QuantityForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        message = _("Skriv et antall mellom 1 og 99 999.")
        if wants_json:
            return JsonResponse({"ok": False, "message": message}, status=400)
        messages.error(request, message)
        return redirect_back(request, fallback=reverse("shop:product", args=[product.sku]))
    quantity = form.cleaned_data["quantity"]
    cart = _cart_for(request, create=True)
    cart_add(cart=cart, product=product, quantity=quantity)
    message = _("Lagt i handlekurven: %(quantity)s %(unit)s %(name)s.") % {
        "quantity": quantity,
        "unit": product.unit,
        "name": product.name,
    }
    if wants_json:
        # shop.js adds without leaving the list, so the electrician keeps their place on the page.
        return JsonResponse({"ok": True, "message": message, "lines": cart.lines.count()})
    messages.success(request, message)
    return redirect_back(request, fallback=reverse("shop:cart"))


@customer_required(roles=ORDER_ROLES)
@require_POST
def cart_line_update(request, pk):
    line = _cart_line(request, pk)
    form = LineQuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv et antall mellom 0 og 99 999."))
    elif cart_line_set_quantity(line=line, quantity=form.cleaned_data["quantity"]) is None:
        messages.success(request, _("Fjernet %(name)s fra handlekurven.") % {"name": line.product.name})
    else:
        messages.success(request, _("Antallet er endret."))
    return redirect("shop:cart")


@customer_required(roles=ORDER_ROLES)
@require_POST
def cart_line_delete(request, pk):
    line = _cart_line(request, pk)
    cart_line_remove(line=line)
    messages.success(request, _("Fjernet %(name)s fra handlekurven.") % {"name": line.product.name})
    return redirect("shop:cart")


@customer_required(roles=ORDER_ROLES)
@require_POST
def cart_empty(request):
    if cart_clear(cart=_cart_for(request)):
        messages.success(request, _("Handlekurven er tømt."))
    return redirect("shop:cart")


@customer_required(roles=ORDER_ROLES)
def quick_order(request):
    """Paste or upload `number;quantity` lines; bad lines are listed, the rest go into the cart."""
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        result = quick_order_parse(form.cleaned_data["text"])
        problems = result.problems
        if result.items:
            cart_add_many(cart=_cart_for(request, create=True), items=result.items)
            messages.success(
                request,
                ngettext(
                    "%(count)s varelinje er lagt i handlekurven.",
                    "%(count)s varelinjer er lagt i handlekurven.",
                    len(result.items),
                )
                % {"count": len(result.items)},
            )
        if not problems:
            return redirect("shop:cart")
        # Keep only the lines that still need attention in the box, so they can be fixed and resent.
        form = QuickOrderForm(initial={"lines": "\n".join(p.text for p in problems)})
    return render(request, "shop/quick_order.html", {"form": form, "problems": problems})
