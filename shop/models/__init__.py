"""The shop's data: catalogue, customer pricing, delivery addresses, carts and orders.

One module per section (`catalogue`, `media`, `pricing`, `addresses`, `cart`, `orders`), all re-exported here
so `from shop.models import …` (and migration 0001's `shop.models.validate_gtin`) keep working.
Behaviour lives beside the data in modules along the shop's seams: `shop.catalogue` (reads and
search), `shop.pricing` (the one price resolver), `shop.cart` and `shop.orders` (services that write).
"""

from .addresses import Address, AddressQuerySet
from .cart import Cart, CartLine
from .catalogue import Category, CategoryQuerySet, Product, Stock, gtin_is_valid, validate_gtin
from .media import ProductDocument, ProductImage
from .orders import Order, OrderLine, OrderQuerySet
from .pricing import CustomerDiscount, CustomerNetPrice

__all__ = [
    "Address",
    "AddressQuerySet",
    "Cart",
    "CartLine",
    "Category",
    "CategoryQuerySet",
    "CustomerDiscount",
    "CustomerNetPrice",
    "Order",
    "OrderLine",
    "OrderQuerySet",
    "Product",
    "ProductDocument",
    "ProductImage",
    "Stock",
    "gtin_is_valid",
    "validate_gtin",
]
