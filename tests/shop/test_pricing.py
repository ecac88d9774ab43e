from decimal import Decimal

import pytest

from shop.models import gtin_is_valid
from shop.pricing import Pricing, Totals, money, price_resolve

from .factories import DiscountFactory, NetPriceFactory, ProductFactory


def test_net_price_beats_group_discount_and_list_price():
    price = price_resolve(
        list_price=Decimal("100"), net_price=Decimal("61.5"), discount_percent=Decimal("50")
    )
    assert price.amount == Decimal("61.50")
    assert price.source == "net"


def test_group_discount_applies_when_no_net_price():
    price = price_resolve(list_price=Decimal("100"), discount_percent=Decimal("25"))
    assert (price.amount, price.source) == (Decimal("75.00"), "discount")


def test_list_price_when_customer_has_neither():
    assert price_resolve(list_price=Decimal("14.9")).amount == Decimal("14.90")


def test_discounted_price_rounds_half_up_to_ore():
    # 14.90 × 0.75 = 11.175 → 11.18 (half up; banker's rounding would give 11.18 too, so check 0.125)
    assert price_resolve(list_price=Decimal("14.90"), discount_percent=Decimal("25")).amount == Decimal(
        "11.18"
    )
    assert money(Decimal("0.125")) == Decimal("0.13")
    assert money(Decimal("2.675")) == Decimal("2.68")


def test_vat_is_25_percent_rounded_to_ore():
    totals = Totals.of(Decimal("11.18"))
    assert totals.vat == Decimal("2.80")  # 2.795 → 2.80
    assert totals.incl_vat == Decimal("13.98")


def test_pricing_resolves_each_rule_from_the_database(customer):
    net = ProductFactory(list_price=Decimal("200"), discount_group="I20")
    discounted = ProductFactory(list_price=Decimal("200"), discount_group="I20")
    plain = ProductFactory(list_price=Decimal("200"), discount_group="XX")
    NetPriceFactory(customer=customer, product=net, price=Decimal("99.99"))
    DiscountFactory(customer=customer, discount_group="I20", percent=Decimal("12.5"))
    prices = Pricing(customer).prices([net, discounted, plain])
    assert prices[net.pk].amount == Decimal("99.99")
    assert prices[discounted.pk].amount == Decimal("175.00")
    assert prices[plain.pk].amount == Decimal("200.00")


def test_another_customers_net_price_is_not_used(customer, other_member):
    product = ProductFactory(list_price=Decimal("80"))
    NetPriceFactory(customer=other_member.customer, product=product, price=Decimal("1.00"))
    assert Pricing(customer).price(product).amount == Decimal("80.00")


def test_visitor_gets_no_prices(db):
    assert Pricing(None).price(ProductFactory()) is None


def test_pricing_a_page_of_products_costs_two_queries(customer, django_assert_num_queries):
    products = ProductFactory.create_batch(30)
    for product in products[:10]:
        NetPriceFactory(customer=customer, product=product)
    DiscountFactory(customer=customer)
    pricing = Pricing(customer)
    with django_assert_num_queries(2):
        prices = pricing.prices(products)
    assert len(prices) == 30


@pytest.mark.parametrize(
    ("value", "valid"),
    [("7000000000010", True), ("7000000000011", False), ("96385074", True), ("12345", False), ("abc", False)],
)
def test_gtin_check_digit(value, valid):
    assert gtin_is_valid(value) is valid
