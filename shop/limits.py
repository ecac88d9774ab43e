"""«Ordregrense»: does an order wait for approval, and who is asked.

`order_place` (shop.orders) asks `approval_required` and, for a waiting order, queues
`approval_request_enqueue` instead of the confirmation. The decisions themselves («Godkjenn» /
«Avvis») are in shop.approval, which builds on shop.orders; this module sits below both.

The rule: an order over the orderer's limit waits until another Administrator of the customer
decides. Nobody approves their own order, so where no other Administrator can log in (the orderer
is the only one, say) the order would wait for nobody and is placed at once.
"""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import formats

from accounts.models import Membership
from core.email import email_enqueue

from .models import Order


def membership_of(*, user, customer) -> Membership | None:
    """The user's active membership at the customer (None for staff or a former member)."""
    if user is None:
        return None
    return Membership.objects.active().filter(user=user, customer=customer).first()


def _deciders(customer, *, excluding_user_id):
    return Membership.objects.for_customer(customer).administrators().can_log_in().exclude(user_id=excluding_user_id)


def approval_required(*, membership: Membership | None, total_excl_vat: Decimal) -> bool:
    """Does an order of `total_excl_vat` by `membership` wait for an Administrator's approval?"""
    if membership is None or membership.order_limit is None or total_excl_vat <= membership.order_limit:
        return False
    return _deciders(membership.customer_id, excluding_user_id=membership.user_id).exists()


def approvers(order: Order) -> list[Membership]:
    """The memberships that may decide on `order`: the customer's other active Administrators."""
    return list(
        _deciders(order.customer_id, excluding_user_id=order.user_id).select_related("user").order_by("pk")
    )


def _money(amount) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def approval_request_enqueue(*, order: Order) -> int:
    """Email every approver a link to the waiting order (in the placing transaction)."""
    url = settings.SHOP_URL + reverse("shop:order_approval", args=[order.pk])
    memberships = approvers(order)
    line_count = order.lines.count()
    for membership in memberships:
        context = {
            "name": membership.user.get_short_name(),
            "buyer": order.user.get_full_name() if order.user else "",
            "order_number": order.number,
            "customer": f"{order.customer.number} {order.customer.name}",
            "reference": order.reference,
            "lines": line_count,
            "url": url,
        }
        if membership.can_see_prices:  # an approver without price rights gets no amount either
            context["total_excl_vat"] = _money(order.total_excl_vat)
        email_enqueue(
            key=f"shop.order_approval_request:{order.pk}:{membership.pk}",
            kind="shop.order_approval_request",
            to=membership.user.email,
            template="email/shop/order_approval_request",
            context=context,
        )
    return len(memberships)
