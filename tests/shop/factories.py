from decimal import Decimal

import factory

from shop.models import Category, CustomerDiscount, CustomerNetPrice, Product, Stock
from tests.factories import BranchFactory, CustomerFactory


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"{500000 + n}")
    el_number = factory.Sequence(lambda n: f"{3000000 + n:07d}")
    ean = factory.Sequence(lambda n: ean13(f"70999{n:07d}"))
    name = factory.Sequence(lambda n: f"Vare nummer {n}")
    manufacturer = "Elko"
    unit = "stk"
    list_price = Decimal("100.00")
    discount_group = "I20"
    category = factory.SubFactory(CategoryFactory)


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    product = factory.SubFactory(ProductFactory)
    branch = factory.SubFactory(BranchFactory)
    quantity = 10


class NetPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerNetPrice

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    price = Decimal("50.00")


class DiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerDiscount

    customer = factory.SubFactory(CustomerFactory)
    discount_group = "I20"
    percent = Decimal("25")
