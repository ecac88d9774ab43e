"""The open cart per user and customer, and its lines."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Customer

from .catalogue import Product


class Cart(models.Model):
    """The one open cart per user and customer, kept in the database."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        ORDERED = "ordered", _("Bestilt")

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="carts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruker"), on_delete=models.CASCADE, related_name="carts"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)

    class Meta:
        verbose_name = _("handlekurv")
        verbose_name_plural = _("handlekurver")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "user"],
                condition=Q(status="open"),
                name="cart_one_open_per_user_customer",
            ),
        ]

    def __str__(self):
        return f"{self.customer} – {self.user} ({self.get_status_display()})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("produkt"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("antall"), validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(_("lagt til"), auto_now_add=True)

    class Meta:
        verbose_name = _("linje i handlekurv")
        verbose_name_plural = _("linjer i handlekurv")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_cart_product_unique"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"
