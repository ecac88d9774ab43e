"""«Bestillingslister»: the overview, one list, and adding to a list from product pages and lists."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.tenancy import customer_required, redirect_back

from ..cart import MAX_QUANTITY, cart_get_or_create
from ..forms import OrderListForm, QuantityForm, QuickOrderForm
from ..lists import (
    OrderListError,
    order_list_add,
    order_list_can_change,
    order_list_create,
    order_list_create_from_cart,
    order_list_delete,
    order_list_export,
    order_list_import,
    order_list_set_quantities,
    order_list_to_cart,
    order_list_update,
)
from ..pricing import pricing_for_request
from ..selectors import order_list_get_for_user, order_list_lines, order_lists_for_user, product_get_active
from .cart import ORDER_ROLES, _cart_for


def _get(request, pk):
    return order_list_get_for_user(customer=request.tenant.customer, user=request.user, pk=pk)


@customer_required
def order_lists(request):
    """All lists the user sees, and a form for a new (empty) one."""
    form = OrderListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order_list = order_list_create(
            customer=request.tenant.customer, owner=request.user, **form.cleaned_data
        )
        messages.success(request, _("Bestillingslisten «%(name)s» er laget.") % {"name": order_list.name})
        return redirect("shop:order_list", pk=order_list.pk)
    lists = list(order_lists_for_user(customer=request.tenant.customer, user=request.user))
    return render(
        request,
        "shop/order_lists.html",
        {"lists": lists, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@customer_required
@require_POST
def order_list_from_cart(request):
    form = OrderListForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.get("name", [_("Gi listen et navn.")])[0])
        return redirect("shop:cart")
    try:
        order_list = order_list_create_from_cart(
            cart=_cart_for(request), owner=request.user, **form.cleaned_data
        )
    except OrderListError as error:
        messages.error(request, str(error))
        return redirect("shop:cart")
    messages.success(
        request, _("Handlekurven er lagret som bestillingslisten «%(name)s».") % {"name": order_list.name}
    )
    return redirect("shop:order_list", pk=order_list.pk)


@customer_required
def order_list_detail(request, pk):
    order_list = _get(request, pk)
    membership = request.tenant.membership
    can_change = order_list_can_change(order_list=order_list, membership=membership)
    lines = order_list_lines(order_list=order_list)
    pricing = pricing_for_request(request)
    prices = pricing.prices([line.product for line in lines if line.product is not None])
    for line in lines:
        line.price = prices.get(line.product_id)
        line.gone = line.product is None or not line.product.is_active
    return render(
        request,
        "shop/order_list.html",
        {
            "order_list": order_list,
            "lines": lines,
            "can_change": can_change,
            "can_order": membership.can_order,
            "edit_form": OrderListForm(initial={"name": order_list.name, "is_shared": order_list.is_shared}),
            "import_form": QuickOrderForm(),
            "max_quantity": MAX_QUANTITY,
        },
    )


@customer_required
@require_POST
def order_list_edit(request, pk):
    """Rename, share or unshare; or save edited quantities (0 removes a line)."""
    order_list = _get(request, pk)
    membership = request.tenant.membership
    try:
        if "name" in request.POST:
            form = OrderListForm(request.POST)
            if not form.is_valid():
                raise OrderListError(form.errors["name"][0])
            order_list_update(order_list=order_list, membership=membership, **form.cleaned_data)
            messages.success(request, _("Listen er lagret."))
        else:
            quantities = {}
            for key, value in request.POST.items():
                if key.startswith("qty-") and key[4:].isdigit():
                    try:
                        quantities[int(key[4:])] = int(value.strip() or "-1")
                    except ValueError:
                        raise OrderListError(_("Skriv et antall mellom 0 og 99 999.")) from None
            order_list_set_quantities(order_list=order_list, membership=membership, quantities=quantities)
            messages.success(request, _("Antallene er lagret."))
    except OrderListError as error:
        messages.error(request, str(error))
    return redirect("shop:order_list", pk=order_list.pk)


@customer_required
@require_POST
def order_list_delete_view(request, pk):
    order_list = _get(request, pk)
    try:
        order_list_delete(order_list=order_list, membership=request.tenant.membership)
    except OrderListError as error:
        messages.error(request, str(error))
        return redirect("shop:order_list", pk=order_list.pk)
    messages.success(request, _("Bestillingslisten «%(name)s» er slettet.") % {"name": order_list.name})
    return redirect("shop:order_lists")


@customer_required(roles=ORDER_ROLES)
@require_POST
def order_list_to_cart_view(request, pk):
    """«Legg alt i handlekurven», reporting the lines whose products are no longer sold."""
    order_list = _get(request, pk)
    cart = cart_get_or_create(customer=request.tenant.customer, user=request.user)
    added, gone = order_list_to_cart(order_list=order_list, cart=cart)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s varelinje fra «%(name)s» er lagt i handlekurven.",
                "%(count)s varelinjer fra «%(name)s» er lagt i handlekurven.",
                added,
            )
            % {"count": added, "name": order_list.name},
        )
    if gone:
        messages.warning(
            request,
            _("Disse varene finnes ikke lenger og ble ikke lagt til: %(names)s") % {"names": "; ".join(gone)},
        )
    return redirect("shop:cart" if added else "shop:order_list", **({} if added else {"pk": order_list.pk}))


@customer_required
def order_list_export_view(request, pk):
    order_list = _get(request, pk)
    response = HttpResponse(order_list_export(order_list=order_list), content_type="text/csv; charset=utf-8")
    filename = slugify(order_list.name) or "bestillingsliste"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@customer_required
def order_list_import_view(request, pk):
    """Import `number;quantity` lines into the list; bad lines are listed next to the field."""
    order_list = _get(request, pk)
    form = QuickOrderForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = order_list_import(
                order_list=order_list, membership=request.tenant.membership, text=form.cleaned_data["text"]
            )
        except OrderListError as error:
            messages.error(request, str(error))
            return redirect("shop:order_list", pk=order_list.pk)
        problems = result.problems
        if result.added:
            messages.success(
                request,
                ngettext("%(count)s linje er lagt til.", "%(count)s linjer er lagt til.", result.added)
                % {"count": result.added},
            )
        if not problems:
            return redirect("shop:order_list", pk=order_list.pk)
        form = QuickOrderForm(initial={"lines": "\n".join(p.text for p in problems)})
    return render(
        request,
        "shop/order_list_import.html",
        {"order_list": order_list, "form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@customer_required
@require_POST
def order_list_add_view(request):
    """«Legg i bestillingsliste» from a product page or a product list.

    The buttons in the (cached, shared) product fragments know only the product, so the first POST
    shows the user's own choice of lists; the second, with `order_list` (or a new list's name),
    adds the product.
    """
    product_id = request.POST.get("product", "")
    product = product_get_active(pk=product_id if product_id.isdigit() else 0)
    membership = request.tenant.membership
    choices = [
        order_list
        for order_list in order_lists_for_user(customer=request.tenant.customer, user=request.user)
        if order_list_can_change(order_list=order_list, membership=membership)
    ]
    form = QuantityForm(request.POST if "quantity" in request.POST else None, initial={"quantity": 1})
    next_url = request.POST.get("next", "")
    if not (next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})):
        next_url = ""  # only a path on this site goes into the page's «Avbryt» link
    error = None
    if "order_list" in request.POST or "new_list_name" in request.POST:
        list_id = request.POST.get("order_list", "")
        new_name = request.POST.get("new_list_name", "").strip()
        try:
            if not form.is_valid():
                raise OrderListError(_("Skriv et antall mellom 1 og 99 999."))
            if list_id == "new" or (not list_id and new_name):
                order_list = order_list_create(
                    customer=request.tenant.customer, owner=request.user, name=new_name
                )
            else:
                order_list = _get(request, list_id if list_id.isdigit() else 0)
            order_list_add(
                order_list=order_list,
                membership=membership,
                product=product,
                quantity=form.cleaned_data["quantity"],
            )
        except OrderListError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Lagt i bestillingslisten «%(list)s»: %(quantity)s %(unit)s %(name)s.")
                % {
                    "list": order_list.name,
                    "quantity": form.cleaned_data["quantity"],
                    "unit": product.unit,
                    "name": product.name,
                },
            )
            return redirect_back(request, fallback=reverse("shop:product", args=[product.sku]))
    return render(
        request,
        "shop/order_list_add.html",
        {"product": product, "choices": choices, "form": form, "next": next_url, "error": error},
        status=400 if error else 200,
    )
