"""The catalogue: the category tree, products and stock per branch."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch

from ..catalogue import ProductQuerySet


def gtin_is_valid(value: str) -> bool:
    """True for an 8, 12, 13 or 14 digit GTIN (EAN) whose last digit is the correct check digit."""
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        return False
    body, check = value[:-1], int(value[-1])
    # Weights 3,1,3,… counted from the digit next to the check digit.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def validate_gtin(value: str) -> None:
    if value and not gtin_is_valid(value):
        raise ValidationError(_("EAN/GTIN må ha 8, 12, 13 eller 14 sifre med riktig kontrollsiffer."))


class CategoryQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent=None)


class Category(models.Model):
    """A node in the catalogue's category tree."""

    name = models.CharField(_("navn"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("rekkefølge"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    sku = models.CharField(_("varenummer"), max_length=40, unique=True)
    el_number = models.CharField(
        _("EL-nummer"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("EL-nummeret må ha 7 sifre."))],
    )
    ean = models.CharField(_("EAN/GTIN"), max_length=14, blank=True, validators=[validate_gtin])
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    manufacturer = models.CharField(_("produsent"), max_length=120, blank=True, db_index=True)
    manufacturer_sku = models.CharField(_("produsentens varenummer"), max_length=80, blank=True)
    unit = models.CharField(_("enhet"), max_length=20, default="stk")
    list_price = models.DecimalField(
        _("listepris eks. mva"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    discount_group = models.CharField(_("rabattgruppe"), max_length=20, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="products"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Lower-cased name, numbers, manufacturer and category path: short, so substring and trigram
    # (typo) matching stay cheap; PostgreSQL indexes it (trigram GIN, see migration 0002) and SQLite
    # falls back to a plain substring match. The description is searched by full text only.
    search_document = models.TextField(_("søketekst"), blank=True, editable=False)
    # Full text of search_document and description, kept in step by a PostgreSQL trigger
    # (migration 0002): bulk writes need no extra step and a search never runs to_tsvector row by
    # row. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("produkt")
        verbose_name_plural = _("produkter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["el_number"], condition=~Q(el_number=""), name="product_el_number_unique"
            ),
            models.UniqueConstraint(fields=["ean"], condition=~Q(ean=""), name="product_ean_unique"),
        ]
        indexes = [
            # Number search matches the varenummer case-insensitively (sku__iexact → UPPER(sku)).
            models.Index(Upper("sku"), name="product_sku_upper"),
            # A category page's ids in name order, its count and its manufacturer filter, all read from
            # the index alone (index-only scans; no visit to the wide product rows).
            models.Index(
                fields=["category", "manufacturer", "name", "id"],
                include=["is_active"],
                name="product_cat_list",
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"

    def save(self, *args, **kwargs):
        self.search_document = self.build_search_document()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_document" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_document"]
        super().save(*args, **kwargs)

    def build_search_document(self, category_names: list[str] | None = None) -> str:
        if category_names is None:
            category_names = []
            node = self.category if self.category_id else None
            while node is not None:
                category_names.insert(0, node.name)
                node = node.parent
        parts = [
            self.name,
            self.manufacturer,
            self.manufacturer_sku,
            self.sku,
            self.el_number,
            self.ean,
            " ".join(category_names),
        ]
        return " ".join(p for p in parts if p).lower()


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
        return f"{self.product.sku} @ {self.branch}: {self.quantity}"
