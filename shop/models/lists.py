"""«Bestillingslister»: a customer's saved lists of products and quantities, private or shared."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer

from .catalogue import Product


class OrderListQuerySet(models.QuerySet):
    def visible_to(self, *, customer, user):
        """The lists `user` may see at `customer`: their own and the ones shared with colleagues."""
        return self.filter(customer=customer).filter(Q(owner=user) | Q(is_shared=True))


class OrderList(models.Model):
    """A named list of products and quantities («Bestillingsliste»), reused project after project."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="order_lists"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("laget av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="order_lists",
    )
    name = models.CharField(_("navn"), max_length=100)
    is_shared = models.BooleanField(
        _("delt med kollegene"),
        default=False,
        help_text=_("Alle brukerne hos kunden kan se og bestille fra listen."),
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    objects = OrderListQuerySet.as_manager()

    class Meta:
        verbose_name = _("bestillingsliste")
        verbose_name_plural = _("bestillingslister")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["customer", "owner"], name="order_list_customer_owner")]

    def __str__(self):
        return self.name


class OrderListLine(models.Model):
    """One product on a list. The number and name are kept so a product taken out of the catalogue
    can still be reported by name when the list goes into the cart."""

    order_list = models.ForeignKey(OrderList, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("produkt"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sku = models.CharField(_("varenummer"), max_length=40)
    name = models.CharField(_("navn"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("antall"), validators=[MinValueValidator(1), MaxValueValidator(99999)]
    )
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("linje i bestillingsliste")
        verbose_name_plural = _("linjer i bestillingsliste")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_list", "product"], name="order_list_line_list_product_unique"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku}"
