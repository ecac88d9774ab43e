"""The shop's reads: the one door to each customer's data, and the product lists the pages show.

Every `*_get_for_customer` takes keyword-only arguments and raises Http404 for an id that is not
the current customer's (or not the user's, for a cart): another customer's id looks exactly like
one that does not exist. Views read customer data only through these functions; the querysets'
business words (`Order.objects.for_customer`, `Product.objects.active().search(q)`) live on the
QuerySets in `shop.models` and `shop.catalogue`.
"""

import uuid

from django.db.models import Count, Sum
from django.http import Http404

from .media import main_images_prefetch
from .models import Address, Cart, CartLine, Order, OrderLine, Product, ProductDocument, ProductImage, Stock

# --- Orders ------------------------------------------------------------------------------------------


def order_get_for_customer(*, customer, pk) -> Order:
    """One of the customer's orders, or 404 (another customer's order id is never reachable)."""
    try:
        return Order.objects.for_customer(customer).select_related("pickup_branch", "user").get(pk=pk)
    except (Order.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def order_get_by_token_for_customer(*, customer, token: str) -> Order | None:
    """The order a checkout form (its idempotency token) already placed for the customer, if any."""
    try:
        token = uuid.UUID(token)
    except (ValueError, TypeError, AttributeError):
        return None
    return Order.objects.for_customer(customer).filter(idempotency_token=token).first()


def order_list_for_customer(*, customer):
    """«Mine ordre»: newest first, with who ordered and where it is picked up."""
    return (
        Order.objects.for_customer(customer).select_related("user", "pickup_branch").order_by("-created_at", "-pk")
    )


def order_recent_for_customer(*, customer, limit: int = 3) -> list[Order]:
    return list(Order.objects.for_customer(customer).order_by("-created_at", "-pk")[:limit])


# --- Addresses ---------------------------------------------------------------------------------------


def address_get_for_customer(*, customer, pk) -> Address:
    """One of the customer's (active) delivery addresses, or 404."""
    try:
        return Address.objects.for_customer(customer).get(pk=pk)
    except (Address.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def address_list_for_customer(*, customer):
    return Address.objects.for_customer(customer)


# --- Cart --------------------------------------------------------------------------------------------


def cart_get_open(*, customer, user) -> Cart | None:
    """The user's open cart at the customer, or None before the first product is added."""
    return Cart.objects.filter(customer=customer, user=user, status=Cart.Status.OPEN).first()


def cart_line_get_for_customer(*, customer, user, pk) -> CartLine:
    """A line of the user's open cart at the customer, or 404: another user's or customer's line is
    never reachable."""
    try:
        return CartLine.objects.select_related("product").get(
            cart__customer=customer, cart__user=user, cart__status=Cart.Status.OPEN, pk=pk
        )
    except (CartLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Products ----------------------------------------------------------------------------------------


def product_list(*, branch, query: str = "", category_ids=None):
    """Active products with their category and stock (in `branch`), searched and narrowed to
    categories: what the catalogue, category and search pages filter, sort and page through."""
    products = Product.objects.active().select_related("category").with_stock(branch)
    if query:
        products = products.search(query)
    if category_ids is not None:
        products = products.in_categories(category_ids)
    return products


def product_list_by_ids(*, ids: list[int], branch) -> list[Product]:
    """The products with these ids, in the order given (a page of a listing, a ranking), each with
    its main picture (`main_images`)."""
    rows = (
        Product.objects.filter(pk__in=ids)
        .select_related("category")
        .with_stock(branch)
        .prefetch_related(main_images_prefetch())
        .in_bulk()
    )
    return [rows[pk] for pk in ids if pk in rows]


def product_list_well_stocked(*, branch, limit: int = 8) -> list[Product]:
    """The products with the most stock over all branches: a front page before any order exists."""
    products = product_list(branch=branch).annotate(stock_sum=Sum("stock__quantity"))
    products = products.prefetch_related(main_images_prefetch())
    return list(products.order_by("-stock_sum", "name")[:limit])


def product_get_active(*, branch=None, **lookup) -> Product:
    """An active product by `sku=` or `pk=`, with its category and stock, or 404."""
    try:
        return Product.objects.active().select_related("category").with_stock(branch).get(**lookup)
    except (Product.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def product_media(*, product) -> tuple[list[ProductImage], list[ProductDocument]]:
    """The product page's pictures (main first) and documents (datasheet, FDV, manual)."""
    return list(ProductImage.objects.filter(product=product)), list(ProductDocument.objects.filter(product=product))


def product_get_by_number(*, number: str) -> Product | None:
    """The one active product whose varenummer, EL-nummer or EAN is `number` (None if none or two)."""
    hits = list(Product.objects.active().by_number(number)[:2])
    return hits[0] if len(hits) == 1 else None


def product_stock_by_branch(*, product) -> list[Stock]:
    """Where the product is in stock, by branch name (the product page's stock table)."""
    return list(Stock.objects.filter(product=product, quantity__gt=0).select_related("branch").order_by("branch__name"))


def product_ids_most_ordered(*, customer=None, since=None, limit: int = 8) -> list[int]:
    """Ids of the active products in the most orders: of one customer, or of everyone since a time."""
    lines = OrderLine.objects.filter(product__is_active=True)
    if customer is not None:
        lines = lines.filter(order__customer=customer)
    if since is not None:
        lines = lines.filter(order__created_at__gte=since)
    return list(
        lines.values("product_id")
        .annotate(n=Count("order_id", distinct=True))
        .order_by("-n", "product_id")
        .values_list("product_id", flat=True)[:limit]
    )
