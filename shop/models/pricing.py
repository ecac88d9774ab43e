"""Customer pricing: net prices per product and discounts per discount group."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer

from .catalogue import Product


class CustomerNetPrice(models.Model):
    """A product-specific net price for one customer: beats every discount."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="net_prices"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("produkt"), on_delete=models.CASCADE, related_name="net_prices"
    )
    price = models.DecimalField(
        _("nettopris eks. mva"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("nettopris")
        verbose_name_plural = _("nettopriser")
        constraints = [
            models.UniqueConstraint(fields=["customer", "product"], name="net_price_customer_product_unique"),
        ]

    def __str__(self):
        return f"{self.customer} – {self.product.sku}: {self.price}"


class CustomerDiscount(models.Model):
    """A customer's discount in percent off list price for one discount group."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="discounts"
    )
    discount_group = models.CharField(_("rabattgruppe"), max_length=20)
    percent = models.DecimalField(
        _("rabatt i prosent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("rabatt")
        verbose_name_plural = _("rabatter")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "discount_group"], name="discount_customer_group_unique"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="discount_percent_range"
            ),
        ]

    def __str__(self):
        return f"{self.customer} – {self.discount_group}: {self.percent} %"
