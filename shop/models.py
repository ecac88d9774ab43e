from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch


class Category(models.Model):
    """A node in the catalogue's category tree."""

    name = models.CharField(_("navn"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("overordnet"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Product(models.Model):
    sku = models.CharField(_("varenummer"), max_length=40, unique=True)
    el_number = models.CharField(
        _("EL-nummer"), max_length=7, blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("EL-nummeret må ha 7 sifre."))],
    )
    ean = models.CharField(_("EAN/GTIN"), max_length=14, blank=True, db_index=True)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    manufacturer = models.CharField(_("produsent"), max_length=120, blank=True)
    manufacturer_sku = models.CharField(_("produsentens varenummer"), max_length=80, blank=True)
    unit = models.CharField(_("enhet"), max_length=20, default="stk")
    list_price = models.DecimalField(_("listepris eks. mva"), max_digits=12, decimal_places=2)
    discount_group = models.CharField(_("rabattgruppe"), max_length=20, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="products"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("produkt")
        verbose_name_plural = _("produkter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["el_number"], condition=~Q(el_number=""), name="product_el_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class Stock(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="stock")
    quantity = models.IntegerField(_("antall"), default=0)

    class Meta:
        verbose_name = _("lagerbeholdning")
        verbose_name_plural = _("lagerbeholdning")
        constraints = [
            models.UniqueConstraint(fields=["product", "branch"], name="stock_product_branch_unique"),
        ]

    def __str__(self):
        return f"{self.product_id} @ {self.branch_id}: {self.quantity}"
