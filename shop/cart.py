"""The cart: one open cart per user and customer, and the services that change it."""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .catalogue import number_compact
from .models import Cart, CartLine, Product
from .pricing import Price, Pricing, Totals
from .selectors import cart_get_open

MAX_QUANTITY = 99999
MAX_QUICK_ORDER_LINES = 500


class CartError(Exception):
    pass


def cart_get_or_create(*, customer, user) -> Cart:
    """The user's open cart for the customer, created on first use (race-safe)."""
    cart = cart_get_open(customer=customer, user=user)
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(customer=customer, user=user)
    except IntegrityError:  # a parallel request created it first
        return Cart.objects.get(customer=customer, user=user, status=Cart.Status.OPEN)


def cart_add(*, cart: Cart, product: Product, quantity: int) -> CartLine:
    """Add `quantity` of `product`; an existing line grows instead of a second line appearing."""
    return cart_add_many(cart=cart, items=[(product, quantity)])[0]


def cart_add_many(*, cart: Cart, items: list[tuple[Product, int]]) -> list[CartLine]:
    """Add many products at once (quick order, «Bestill på nytt») in a constant number of queries."""
    merged: dict[int, list] = {}
    for product, quantity in items:
        if quantity < 1:
            raise CartError(_("Antallet må være minst 1."))
        entry = merged.setdefault(product.pk, [product, 0])
        entry[1] += quantity
    with transaction.atomic():
        locked = Cart.objects.select_for_update().get(pk=cart.pk)
        if locked.status != Cart.Status.OPEN:
            # The cart was ordered a moment ago (another tab): the items go into a fresh cart.
            cart = cart_get_or_create(customer=locked.customer, user=locked.user)
            Cart.objects.select_for_update().get(pk=cart.pk)
        existing = {
            line.product_id: line for line in CartLine.objects.filter(cart=cart, product_id__in=merged)
        }
        new, changed = [], []
        for product_id, (product, quantity) in merged.items():
            line = existing.get(product_id)
            if line is None:
                new.append(CartLine(cart=cart, product=product, quantity=min(quantity, MAX_QUANTITY)))
            else:
                line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
                changed.append(line)
        CartLine.objects.bulk_create(new)
        CartLine.objects.bulk_update(changed, ["quantity"])
        _cart_touch(cart.pk)
    return [*new, *changed]


def _cart_touch(cart_id) -> None:
    """Every change to a cart's lines moves its `updated_at`: the cart page's cache key."""
    Cart.objects.filter(pk=cart_id).update(updated_at=timezone.now())


def cart_line_set_quantity(*, line: CartLine, quantity: int) -> CartLine | None:
    """Change a line's quantity; 0 removes it."""
    if quantity <= 0:
        cart_line_remove(line=line)
        return None
    line.quantity = min(quantity, MAX_QUANTITY)
    with transaction.atomic():
        line.save(update_fields=["quantity"])
        _cart_touch(line.cart_id)
    return line


def cart_line_remove(*, line: CartLine) -> None:
    with transaction.atomic():
        line.delete()
        _cart_touch(line.cart_id)


def cart_clear(*, cart: Cart | None) -> int:
    """«Tøm handlekurven»: remove every line of the open cart; returns how many were removed."""
    if cart is None:
        return 0
    with transaction.atomic():
        deleted, _ = CartLine.objects.filter(cart=cart, cart__status=Cart.Status.OPEN).delete()
        _cart_touch(cart.pk)
    return deleted


@dataclass
class PricedLine:
    line: CartLine
    product: Product
    price: Price | None  # None for a member who may not see prices
    total: Decimal | None


@dataclass
class CartSummary:
    lines: list[PricedLine] = field(default_factory=list)
    totals: Totals | None = field(default_factory=lambda: Totals.of(Decimal(0)))

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def version(self) -> str:
        """A fingerprint of products, quantities and prices: changes whenever the order would."""
        raw = "|".join(
            f"{p.product.pk}:{p.line.quantity}:{p.price.amount if p.price else ''}" for p in self.lines
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def cart_summary(*, cart: Cart | None, pricing: Pricing, branch=None) -> CartSummary:
    """The cart's lines with the customer's prices and totals: a constant number of queries."""
    if cart is None:
        return CartSummary()
    lines = list(CartLine.objects.filter(cart=cart).select_related("product").order_by("added_at", "pk"))
    products = [line.product for line in lines]
    if branch is not None and products:
        stock = dict(
            Product.objects.filter(pk__in=[p.pk for p in products])
            .with_stock(branch)
            .values_list("pk", "branch_stock")
        )
        for product in products:
            product.branch_stock = stock.get(product.pk, 0)
    prices = pricing.prices(products)
    priced = []
    for line in lines:
        price = prices.get(line.product_id)
        total = price.amount * line.quantity if price else None
        priced.append(PricedLine(line=line, product=line.product, price=price, total=total))
    if not pricing.shows_prices:
        return CartSummary(lines=priced, totals=None)
    return CartSummary(lines=priced, totals=Totals.of(sum((p.total for p in priced), Decimal(0))))


# --- Quick order («Hurtigbestilling») ------------------------------------------------------------


@dataclass
class QuickOrderProblem:
    line_number: int
    text: str
    reason: str


@dataclass
class QuickOrderResult:
    items: list[tuple[Product, int]] = field(default_factory=list)
    problems: list[QuickOrderProblem] = field(default_factory=list)


def _csv_rows(text: str):
    """The csv rows of `text`, None for a line the csv module refuses (e.g. an over-long field).

    A lone carriage return (old Mac line ends, or pasted junk) is a line end here, not an error.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None


def quick_order_parse(text: str) -> QuickOrderResult:
    """Read lines of `number;quantity` (number = varenummer, EL-nummer or EAN).

    Blank lines and a header line are skipped; every other line that cannot be used is reported
    with its line number and the reason. Products are looked up in one query.
    """
    result = QuickOrderResult()
    wanted: list[tuple[int, str, str, int]] = []
    for line_number, row in enumerate(_csv_rows(text), start=1):
        if row is None:
            result.problems.append(QuickOrderProblem(line_number, "", _("Linjen kan ikke leses.")))
            continue
        raw = ";".join(row).strip()
        if not raw:
            continue
        if line_number > MAX_QUICK_ORDER_LINES:
            result.problems.append(
                QuickOrderProblem(
                    line_number,
                    raw[:80],
                    _("For mange linjer (høyst %(max)s).") % {"max": MAX_QUICK_ORDER_LINES},
                )
            )
            break
        if len(row) == 1 and "\t" in row[0]:  # pasted from a spreadsheet
            row = row[0].split("\t")
        cells = [cell.strip() for cell in row]
        number = number_compact(cells[0]) if cells else ""
        if line_number == 1 and number.lower() in {
            "nummer",
            "number",
            "varenummer",
            "sku",
            "el-nummer",
            "ean",
        }:
            continue
        if len(cells) < 2 or not cells[1]:
            result.problems.append(
                QuickOrderProblem(line_number, raw[:80], _("Mangler antall (skriv nummer;antall)."))
            )
            continue
        try:
            quantity = int(cells[1].replace(" ", ""))
        except ValueError:
            result.problems.append(
                QuickOrderProblem(line_number, raw[:80], _("Ugyldig antall «%(q)s».") % {"q": cells[1][:20]})
            )
            continue
        if quantity < 1 or quantity > MAX_QUANTITY:
            result.problems.append(
                QuickOrderProblem(
                    line_number, raw[:80], _("Antallet må være mellom 1 og %(max)s.") % {"max": MAX_QUANTITY}
                )
            )
            continue
        if not number:
            result.problems.append(QuickOrderProblem(line_number, raw[:80], _("Mangler varenummer.")))
            continue
        wanted.append((line_number, raw[:80], number, quantity))

    numbers = {number for _, _, number, _ in wanted}
    lookup: dict[str, Product] = {}
    if numbers:
        products = Product.objects.active().filter(
            Q(sku__in=numbers) | Q(el_number__in=numbers) | Q(ean__in=numbers)
        )
        for product in products:
            for key in (product.sku, product.el_number, product.ean):
                if key:
                    lookup.setdefault(key, product)
    for line_number, raw, number, quantity in wanted:
        product = lookup.get(number)
        if product is None:
            result.problems.append(
                QuickOrderProblem(
                    line_number, raw, _("Fant ingen aktiv vare med nummeret «%(n)s».") % {"n": number[:40]}
                )
            )
        else:
            result.items.append((product, quantity))
    return result


def cart_add_from_order(*, cart: Cart, order) -> tuple[list[CartLine], list[str]]:
    """«Bestill på nytt»: put an order's lines back into the cart, skipping products no longer sold.

    Returns the lines added and the names of the lines skipped.
    """
    lines = list(order.lines.select_related("product"))
    items, skipped = [], []
    for line in lines:
        if line.product is None or not line.product.is_active:
            skipped.append(f"{line.sku} {line.name}")
        else:
            items.append((line.product, line.quantity))
    added = cart_add_many(cart=cart, items=items) if items else []
    return added, skipped
