"""The one place a customer's price is decided.

Rule: a product-specific net price for the customer, else the customer's discount for the
product's discount group applied to the list price, else the list price. All amounts excl. VAT,
Decimal, rounded to øre with ROUND_HALF_UP.

`Pricing` is the strategy for one customer (one per request): it loads the customer's discounts
once and net prices for a batch of products at a time, so pricing a page of products, a cart of 100
lines or an order costs a constant number of queries. List, detail, cart and order all use it.

Who may *see* prices is decided here too: a membership without «Kan se priser» gets a strategy that
prices nothing (`shows_prices` False), so every page that shows prices from it shows none, while
`order_place` and approval price the order with their own full strategy.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

ORE = Decimal("0.01")
HUNDRED = Decimal("100")


def money(amount) -> Decimal:
    """Round to øre, half up (never banker's rounding, never float)."""
    return Decimal(amount).quantize(ORE, rounding=ROUND_HALF_UP)


def vat_rate() -> Decimal:
    return Decimal(str(settings.VAT_RATE))


def vat_of(amount_excl_vat: Decimal) -> Decimal:
    return money(amount_excl_vat * vat_rate())


def amount_shown(amount_excl_vat, *, incl_vat: bool) -> Decimal | None:
    """An amount as the user chose to see it («Vis priser inkl. mva»): excl. VAT, or with VAT added."""
    if amount_excl_vat in (None, ""):
        return None
    amount = money(amount_excl_vat)
    return amount + vat_of(amount) if incl_vat else amount


@dataclass(frozen=True)
class Price:
    """A customer's unit price for one product, excl. VAT, and where it came from."""

    amount: Decimal
    list_price: Decimal
    source: str  # "net", "discount" or "list"
    discount_percent: Decimal | None = None

    @property
    def is_reduced(self) -> bool:
        return self.amount < self.list_price

    @property
    def incl_vat(self) -> Decimal:
        return self.amount + vat_of(self.amount)


@dataclass(frozen=True)
class Totals:
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal

    @classmethod
    def of(cls, amount_excl_vat: Decimal) -> "Totals":
        amount = money(amount_excl_vat)
        vat = vat_of(amount)
        return cls(excl_vat=amount, vat=vat, incl_vat=amount + vat)


def price_resolve(
    *, list_price: Decimal, net_price: Decimal | None = None, discount_percent: Decimal | None = None
) -> Price:
    """The pricing rule itself, free of the database."""
    list_price = money(list_price)
    if net_price is not None:
        return Price(amount=money(net_price), list_price=list_price, source="net")
    if discount_percent:
        amount = money(list_price * (HUNDRED - Decimal(discount_percent)) / HUNDRED)
        return Price(
            amount=amount, list_price=list_price, source="discount", discount_percent=discount_percent
        )
    return Price(amount=list_price, list_price=list_price, source="list")


class Pricing:
    """The pricing strategy for one customer. `Pricing(None)` (a visitor) prices nothing, nor does a
    strategy made with `visible=False` (a member without «Kan se priser»)."""

    def __init__(self, customer, *, visible: bool = True):
        self.customer = customer
        self.visible = visible
        self._discounts: dict[str, Decimal] | None = None
        self._net: dict[int, Decimal] = {}

    @property
    def shows_prices(self) -> bool:
        return self.customer is not None and self.visible

    def discounts(self) -> dict[str, Decimal]:
        if self._discounts is None:
            from .models import CustomerDiscount

            self._discounts = (
                dict(
                    CustomerDiscount.objects.filter(customer=self.customer).values_list(
                        "discount_group", "percent"
                    )
                )
                if self.customer
                else {}
            )
        return self._discounts

    def load(self, products) -> None:
        """Fetch net prices for a batch of products in one query (those not loaded yet)."""
        from .models import CustomerNetPrice

        if not self.shows_prices:
            return
        missing = [p.pk for p in products if p.pk not in self._net]
        if not missing:
            return
        found = dict(
            CustomerNetPrice.objects.filter(customer=self.customer, product_id__in=missing).values_list(
                "product_id", "price"
            )
        )
        for pk in missing:
            self._net[pk] = found.get(pk)

    def price(self, product) -> Price | None:
        if not self.shows_prices:
            return None
        if product.pk not in self._net:
            self.load([product])
        return price_resolve(
            list_price=product.list_price,
            net_price=self._net.get(product.pk),
            discount_percent=self.discounts().get(product.discount_group),
        )

    def prices(self, products) -> dict[int, Price]:
        """Prices for many products: two queries at most, however many products."""
        products = list(products)
        if not self.shows_prices:
            return {}
        self.load(products)
        return {product.pk: self.price(product) for product in products}

    def annotate_for_sorting(self, queryset):
        """Annotate `price_sort`: the same rule in SQL, used only to order a list by price.

        Displayed prices always come from `price()`; this only needs the same order.
        """
        from .models import CustomerDiscount, CustomerNetPrice

        if not self.shows_prices:
            return queryset.annotate(price_sort=F("list_price"))
        net = CustomerNetPrice.objects.filter(customer=self.customer, product=OuterRef("pk")).values("price")[
            :1
        ]
        percent = CustomerDiscount.objects.filter(
            customer=self.customer, discount_group=OuterRef("discount_group")
        ).values("percent")[:1]
        decimal = DecimalField(max_digits=14, decimal_places=4)
        discounted = ExpressionWrapper(
            F("list_price")
            * (Value(HUNDRED) - Coalesce(Subquery(percent), Value(Decimal(0))))
            / Value(HUNDRED),
            output_field=decimal,
        )
        return queryset.annotate(price_sort=Coalesce(Subquery(net), discounted, output_field=decimal))


def prices_visible(request) -> bool:
    """May the logged-in user see prices at the current customer («Kan se priser»)?"""
    tenant = getattr(request, "tenant", None)
    membership = tenant.membership if tenant is not None and request.user.is_authenticated else None
    return membership is not None and membership.can_see_prices


def prices_incl_vat(request) -> bool:
    """Has the user chosen «Vis priser inkl. mva»?"""
    return bool(request.user.is_authenticated and getattr(request.user, "prices_incl_vat", False))


def pricing_for_request(request) -> Pricing:
    """The request's pricing strategy for *showing* prices (cached on the request)."""
    pricing = getattr(request, "_shop_pricing", None)
    if pricing is None:
        tenant = getattr(request, "tenant", None)
        pricing = Pricing(
            tenant.customer if tenant and request.user.is_authenticated else None,
            visible=prices_visible(request),
        )
        request._shop_pricing = pricing
    return pricing
