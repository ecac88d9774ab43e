"""Placed orders and their lines: snapshots of products and prices at checkout."""

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Customer

from .addresses import Address
from .cart import Cart
from .catalogue import Product

# Order numbers are the primary key plus this offset (`Order.number`), so they look like order numbers.
ORDER_NUMBER_OFFSET = 100000


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class OrderQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)

    def matching(self, text: str):
        """Orders whose number or «Deres referanse» matches `text`, or that hold a line whose
        varenummer or EL-nummer is `text` or whose product name contains it."""
        text = " ".join(text.split())
        if not text:
            return self
        compact = text.replace(" ", "")
        # One set of candidate ids, a UNION of index lookups (UPPER(sku), el_number, trigram on
        # UPPER(name) and UPPER(reference): migration 0005), joined to the customer's orders: the
        # database never reads every order of a customer with 10^5 of them to test each one.
        candidates = (
            Order.objects.order_by()
            .filter(reference__icontains=text)
            .values("pk")
            .union(
                OrderLine.objects.order_by()
                .filter(Q(sku__iexact=compact) | Q(el_number=compact) | Q(name__icontains=text))
                .values("order_id")
            )
        )
        pk = Order.pk_from_number(compact)
        if pk is not None:
            candidates = candidates.union(Order.objects.order_by().filter(pk=pk).values("pk"))
        return self.filter(pk__in=candidates)

    def placed_between(self, start: date | None, end: date | None):
        """Orders placed on the days from `start` to `end`, both included, in the shop's time zone.

        Bounds are compared as timestamps (not `created_at__date`), so the (customer, created_at)
        index serves the range."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(created_at__gte=_day_start(start))
        if end is not None:
            queryset = queryset.filter(created_at__lt=_day_start(end + timedelta(days=1)))
        return queryset


class Order(models.Model):
    """A placed order: a snapshot of lines and prices at the moment it was sent."""

    class Status(models.TextChoices):
        RECEIVED = "mottatt", _("Mottatt")
        PROCESSING = "behandles", _("Under behandling")
        SHIPPED = "sendt", _("Sendt")
        READY = "klar", _("Klar til henting")
        DELIVERED = "levert", _("Levert")
        CANCELLED = "kansellert", _("Kansellert")

    class Delivery(models.TextChoices):
        DELIVERY = "levering", _("Levering til adresse")
        PICKUP = "henting", _("Henting i avdeling")

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.PROTECT, related_name="orders"
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("avdeling"),
        on_delete=models.PROTECT,
        related_name="orders",
        help_text=_("Kundens avdeling da ordren ble lagt inn."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="orders",
    )
    cart = models.OneToOneField(
        Cart,
        verbose_name=_("handlekurv"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order",
    )
    # One checkout form = one token: a double click or the back button cannot place a second order.
    idempotency_token = models.UUIDField(
        _("innsendingsnøkkel"), default=uuid.uuid4, unique=True, editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    delivery_method = models.CharField(_("levering"), max_length=10, choices=Delivery.choices)
    address = models.ForeignKey(
        Address,
        verbose_name=_("leveringsadresse"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    delivery_name = models.CharField(_("mottaker"), max_length=200, blank=True)
    delivery_street = models.CharField(_("adresse"), max_length=200, blank=True)
    delivery_postal_code = models.CharField(_("postnummer"), max_length=10, blank=True)
    delivery_city = models.CharField(_("sted"), max_length=100, blank=True)
    pickup_branch = models.ForeignKey(
        Branch,
        verbose_name=_("hentes i avdeling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickup_orders",
    )
    reference = models.CharField(_("Deres referanse"), max_length=100, blank=True)
    requested_date = models.DateField(_("ønsket leveringsdato"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    total_excl_vat = models.DecimalField(_("sum eks. mva"), max_digits=14, decimal_places=2)
    vat = models.DecimalField(_("mva"), max_digits=14, decimal_places=2)
    total_incl_vat = models.DecimalField(_("sum inkl. mva"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True, db_index=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordre")
        verbose_name_plural = _("ordre")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="order_customer_created")]

    def __str__(self):
        return f"{self.number} {self.customer}"

    @property
    def status_label(self) -> str:
        """`get_status_display()` without rebuilding the choices dict: a page lists 25 orders."""
        try:
            return self.Status(self.status).label
        except ValueError:
            return self.status

    @property
    def number(self) -> str:
        return f"{ORDER_NUMBER_OFFSET + self.pk}" if self.pk else ""

    @staticmethod
    def pk_from_number(text: str) -> int | None:
        """The primary key an order number stands for, or None when `text` is no order number."""
        if not text.isdigit() or len(text) > 12:
            return None
        pk = int(text) - ORDER_NUMBER_OFFSET
        return pk if pk > 0 else None

    @property
    def delivery_summary(self) -> str:
        if self.delivery_method == self.Delivery.PICKUP:
            return _("Hentes i %(branch)s") % {"branch": self.pickup_branch}
        return (
            f"{self.delivery_name}, {self.delivery_street}, {self.delivery_postal_code} {self.delivery_city}"
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("produkt"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sku = models.CharField(_("varenummer"), max_length=40)
    el_number = models.CharField(_("EL-nummer"), max_length=7, blank=True)
    name = models.CharField(_("navn"), max_length=200)
    unit = models.CharField(_("enhet"), max_length=20)
    quantity = models.PositiveIntegerField(_("antall"))
    list_price = models.DecimalField(_("listepris eks. mva"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("pris eks. mva"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("sum eks. mva"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("ordrelinje")
        verbose_name_plural = _("ordrelinjer")
        ordering = ["pk"]
        # «Mine ordre» finds orders by a line's varenummer (any case) or EL-nummer.
        indexes = [
            models.Index(Upper("sku"), name="orderline_sku_upper"),
            models.Index(fields=["el_number"], name="orderline_el_number"),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.sku} {self.name}"
