"""The old shop's orders in «Mine ordre»: the reads, and the source registered with `shop.history`.

Registered in `MigrationConfig.ready()`; the shop only knows the `OrderHistorySource` protocol.
The shop caches «Mine ordre» under each customer's orders version: the signals at the end move it
for every save or delete of what these rows show (the import's bulk writes call it themselves).
"""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from shop.caching import orders_changed
from shop.history import HistoryResult, HistoryRow

from .models import LegacyAccount, LegacyOrder, LegacyOrderLine


def legacy_order_get_for_customer(*, customer, pk) -> LegacyOrder:
    """One of the customer's legacy orders, or 404 (another customer's id looks like a missing one)."""
    try:
        return LegacyOrder.objects.get(customer=customer, pk=pk)
    except (LegacyOrder.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def legacy_order_lines(*, order: LegacyOrder) -> list[LegacyOrderLine]:
    return list(order.lines.order_by("line_number"))


def legacy_order_orderer_name(*, order: LegacyOrder) -> str:
    account = LegacyAccount.objects.filter(username=order.username).only("name").first()
    return (account.name if account else "") or order.username


def legacy_order_search(*, customer, text: str = "", start=None, end=None, user_id=None, status: str = ""):
    """The customer's legacy orders matching «Mine ordre»'s search, newest first.

    `text` matches the order number, the reference, or a line's varenummer, EL-nummer or name; the
    «Bestilt av» filter matches orders by the legacy accounts that moved to that user; the status
    filter names today's statuses, which the old shop's orders never have, so it leaves none.
    """
    orders = LegacyOrder.objects.filter(customer=customer)
    if status:
        return orders.none()
    if start:
        orders = orders.filter(ordered_at__gte=start)
    if end:
        orders = orders.filter(ordered_at__lte=end)
    if user_id:
        usernames = LegacyAccount.objects.filter(customer=customer, user_id=user_id).values("username")
        orders = orders.filter(username__in=usernames)
    if text:
        lines = LegacyOrderLine.objects.filter(order=OuterRef("pk")).filter(
            Q(sku__iexact=text) | Q(el_number=text) | Q(name__icontains=text)
        )
        orders = orders.filter(Q(number__icontains=text) | Q(reference__icontains=text) | Exists(lines))
    orderer = LegacyAccount.objects.filter(username=OuterRef("username")).values("name")[:1]
    return orders.annotate(orderer_name=Subquery(orderer)).order_by("-ordered_at", "-number")


def _row(order: LegacyOrder) -> HistoryRow:
    return HistoryRow(
        key=f"legacy-{order.pk}",
        number=order.number,
        created_at=order.ordered_at,
        status_label=order.status or "–",
        reference=order.reference,
        user=order.orderer_name or order.username,
        total_excl_vat=order.total_excl_vat,
        url=reverse("legacy_orders:detail", args=[order.pk]),
        source_label=_("Fra dagens nettbutikk"),
    )


class LegacyOrderSource:
    """«Mine ordre» shows these after the customer's own orders."""

    def search(self, *, customer, **filters) -> HistoryResult:
        return HistoryResult(legacy_order_search(customer=customer, **filters), _row)


SOURCE = LegacyOrderSource()


# The fields of a legacy account «Mine ordre» reads: the orderer's name and the «Bestilt av» filter.
ORDERER_FIELDS = {"username", "name", "user", "customer"}


@receiver([post_save, post_delete], dispatch_uid="migration.legacy_history_changed")
def _legacy_history_written(sender, instance, raw=False, **kwargs):
    if sender is LegacyOrder:
        orders_changed([instance.customer_id])
    elif sender is LegacyOrderLine:
        origin = kwargs.get("origin")
        if isinstance(origin, LegacyOrder) or getattr(origin, "model", None) is LegacyOrder:
            return  # the lines of an order deleted whole: the order's own signal moves the version
        orders_changed(LegacyOrder.objects.filter(pk=instance.order_id).values_list("customer_id", flat=True))
    elif sender is LegacyAccount:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or ORDERER_FIELDS & set(update_fields):
            orders_changed([instance.customer_id])
