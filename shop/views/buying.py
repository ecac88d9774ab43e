"""Buying in a company: «Godkjenn» / «Avvis» of waiting orders and the «Vis priser inkl. mva» switch."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import user_set_prices_incl_vat
from accounts.tenancy import customer_required, redirect_back

from ..approval import ApprovalError, order_approve, order_reject, order_reprice
from ..forms import RejectForm
from ..limits import approvers
from ..selectors import order_get_for_customer, order_get_pending_for_customer


@customer_required(roles=[Role.ADMINISTRATOR])
def order_approval(request, pk):
    """The waiting order at today's prices, with «Godkjenn» and «Avvis» (reason required)."""
    try:
        order = order_get_pending_for_customer(customer=request.tenant.customer, pk=pk)
    except Http404:
        # Decided already (by a colleague, or in another tab): show the order as it is now.
        order = order_get_for_customer(customer=request.tenant.customer, pk=pk)
        messages.info(
            request, _("Ordre %(number)s venter ikke lenger på godkjenning.") % {"number": order.number}
        )
        return redirect("shop:order_detail", pk=order.pk)
    own = order.user_id == request.user.pk
    form = RejectForm(request.POST or None) if request.POST.get("action") == "reject" else RejectForm()
    if request.method == "POST" and not own:
        try:
            if request.POST.get("action") == "approve":
                order = order_approve(order=order, decided_by=request.user)
                messages.success(
                    request,
                    _(
                        "Ordre %(number)s er godkjent og sendt til avdelingen. %(buyer)s får ordrebekreftelsen."
                    )
                    % {"number": order.number, "buyer": order.user or ""},
                )
                return redirect("shop:order_detail", pk=order.pk)
            if request.POST.get("action") == "reject" and form.is_valid():
                order = order_reject(order=order, decided_by=request.user, reason=form.cleaned_data["reason"])
                messages.success(
                    request,
                    _("Ordre %(number)s er avvist. %(buyer)s har fått beskjed med begrunnelsen.")
                    % {"number": order.number, "buyer": order.user or ""},
                )
                return redirect("shop:order_detail", pk=order.pk)
        except ApprovalError as error:
            messages.error(request, str(error))
    lines, totals, gone = order_reprice(order=order)
    return render(
        request,
        "shop/order_approval.html",
        {
            "order": order,
            "lines": lines,
            "totals": totals,
            "gone": gone,
            "own": own,
            "form": form,
            "changed": totals.excl_vat != order.total_excl_vat,
            "approvers": approvers(order) if own else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@customer_required
@require_POST
def vat_preference(request):
    """«Vis priser inkl. mva»: remembered on the user, so it holds on every device and after logout."""
    user_set_prices_incl_vat(user=request.user, incl_vat=request.POST.get("incl_vat") == "1")
    return redirect_back(request)
