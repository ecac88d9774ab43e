"""The shop's data: catalogue, customer pricing, delivery addresses, carts and orders.

Behaviour lives beside the data in modules along the shop's seams: `catalogue` (reads and search),
`pricing` (the one price resolver), `cart` and `orders` (services that write).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Customer

from .catalogue import ProductQuerySet


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


# --- Customer pricing ----------------------------------------------------------------------------


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


# --- Addresses -----------------------------------------------------------------------------------


class AddressQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer, is_active=True)


class Address(models.Model):
    """A delivery address of a customer («leveringsadresse»)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("kunde"), on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(_("navn/mottaker"), max_length=200)
    street = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(
        _("postnummer"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Postnummeret må ha 4 sifre."))],
    )
    city = models.CharField(_("sted"), max_length=100)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("leveringsadresse")
        verbose_name_plural = _("leveringsadresser")
        ordering = ["name", "street"]

    def __str__(self):
        return f"{self.name}, {self.street}, {self.postal_code} {self.city}"


# --- Cart ----------------------------------------------------------------------------------------


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


# --- Orders --------------------------------------------------------------------------------------


class OrderQuerySet(models.QuerySet):
    def for_customer(self, customer):
        return self.filter(customer=customer)


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
        return f"{100000 + self.pk}" if self.pk else ""

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

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.sku} {self.name}"
