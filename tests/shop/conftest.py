import uuid

import pytest

from accounts.models import Role
from shop.cart import cart_add, cart_get_or_create
from shop.orders import order_place
from tests.factories import BranchFactory, CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD

from .factories import CategoryFactory, ProductFactory, StockFactory


@pytest.fixture
def category(db):
    parent = CategoryFactory(name="Kabel", slug="kabel")
    return CategoryFactory(name="Installasjonskabel", slug="kabel-installasjonskabel", parent=parent)


@pytest.fixture
def product(category, branch):
    product = ProductFactory(
        sku="100001",
        el_number="1000037",
        name="Nexans PFSP 3G1,5 mm² installasjonskabel",
        category=category,
        manufacturer="Nexans",
        unit="m",
        list_price="14.90",
        discount_group="K10",
    )
    StockFactory(product=product, branch=branch, quantity=40)
    return product


@pytest.fixture
def buyer_client(client, buyer_member):
    client.force_login(buyer_member.user)
    return client


@pytest.fixture
def other_member(db):
    """A buyer at another customer (and another branch)."""
    return MembershipFactory(
        customer=CustomerFactory(branch=BranchFactory()), role=Role.BUYER, user__password=PASSWORD
    )


def place_order(member, products, *, quantity=2, **kwargs):
    cart = cart_get_or_create(customer=member.customer, user=member.user)
    for product in products:
        cart_add(cart=cart, product=product, quantity=quantity)
    defaults = {"delivery_method": "henting", "pickup_branch": member.customer.branch, "token": uuid.uuid4()}
    order, _ = order_place(cart=cart, user=member.user, **{**defaults, **kwargs})
    return order
