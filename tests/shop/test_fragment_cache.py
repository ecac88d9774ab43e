"""Cached page fragments (lists, product page, front page) never show one viewer what belongs to another.

The fragments are shared by every user of a customer and kept until the catalogue or its prices
change; these tests look at what a customer would notice if a key missed something.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from shop.models import CartLine, Order, Product
from tests.factories import CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import NetPriceFactory

LIST_URLS = [
    lambda product: reverse("shop:category", args=["kabel"]),
    lambda product: reverse("shop:search") + "?q=installasjonskabel",
    lambda product: reverse("shop:product", args=[product.sku]),
    lambda product: reverse("shop:home"),
]


def logged_in(member, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(member.user)
    return client


@pytest.mark.parametrize("url", LIST_URLS)
def test_each_customer_sees_its_own_prices_on_a_cached_page(url, buyer_member, product):
    # Same branch and role: only the customer tells the two pages apart.
    other_member = MembershipFactory(
        customer=CustomerFactory(branch=buyer_member.customer.branch), role=Role.BUYER, user__password=PASSWORD
    )
    NetPriceFactory(customer=buyer_member.customer, product=product, price=Decimal("7.62"))
    place_order(buyer_member, [product])  # so the front page lists the product for both
    place_order(other_member, [product])
    path = url(product)
    for _ in range(2):  # the second round is served from the cache
        assert "7,62 kr" in logged_in(buyer_member).get(path).content.decode()
        other = logged_in(other_member).get(path).content.decode()
        assert "7,62 kr" not in other and "14,90 kr" in other


@pytest.mark.parametrize("url", LIST_URLS)
def test_forms_on_a_cached_page_carry_the_viewers_own_csrf_token(url, buyer_member, product):
    colleague = MembershipFactory(customer=buyer_member.customer, role=Role.BUYER, user__password=PASSWORD)
    place_order(buyer_member, [product])
    path = url(product)
    logged_in(buyer_member).get(path)  # fills the cache with the first user's page
    client = logged_in(colleague, enforce_csrf_checks=True)
    html = client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "<csrf-token>" not in html
    response = client.post(
        reverse("shop:cart_add"), {"csrfmiddlewaretoken": token, "product": product.pk, "quantity": 3, "next": path}
    )
    assert response.status_code == 302
    assert CartLine.objects.get(cart__user=colleague.user, product=product).quantity == 3


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_new_net_price_shows_at_once(url, buyer_client, buyer_member, product):
    place_order(buyer_member, [product])
    path = url(product)
    assert "14,90 kr" in buyer_client.get(path).content.decode()
    NetPriceFactory(customer=buyer_member.customer, product=product, price=Decimal("9.99"))
    assert "9,99 kr" in buyer_client.get(path).content.decode()


@pytest.mark.parametrize("url", LIST_URLS)
def test_a_buyer_made_read_only_loses_the_buy_buttons_at_once(url, buyer_client, buyer_member, product):
    place_order(buyer_member, [product])
    path = url(product)
    assert "Legg i handlekurv" in buyer_client.get(path).content.decode()
    buyer_member.role = Role.READ_ONLY
    buyer_member.save()
    assert "Legg i handlekurv" not in buyer_client.get(path).content.decode()


def test_a_visitors_cached_page_never_shows_prices_or_buy_buttons(buyer_client, product):
    path = reverse("shop:category", args=["kabel"])
    buyer_client.get(path)
    html = Client().get(path).content.decode()
    assert "Logg inn for å se dine priser" in html and "Legg i handlekurv" not in html


def test_language_switch_is_not_served_the_other_languages_page(buyer_client, product):
    path = reverse("shop:category", args=["kabel"])
    assert "Legg i handlekurv" in buyer_client.get(path).content.decode()
    buyer_client.cookies["django_language"] = "en"
    assert "Add to cart" in buyer_client.get(path).content.decode()


def test_a_product_taken_out_of_the_range_is_gone_from_its_cached_page(buyer_client, product):
    path = reverse("shop:product", args=[product.sku])
    assert buyer_client.get(path).status_code == 200
    Product.objects.filter(pk=product.pk).update(is_active=False)  # a bulk write, as an import does
    from shop.caching import catalogue_changed

    catalogue_changed()
    assert buyer_client.get(path).status_code == 404
    assert buyer_client.get(reverse("shop:product", args=["finnes-ikke"])).status_code == 404


def test_front_page_shows_a_new_order_and_a_changed_status_at_once(buyer_client, buyer_member, product):
    first = place_order(buyer_member, [product])
    html = buyer_client.get(reverse("shop:home")).content.decode()
    assert f"Ordre {first.number}" in html
    second = place_order(buyer_member, [product])
    html = buyer_client.get(reverse("shop:home")).content.decode()
    assert f"Ordre {second.number}" in html and "Ofte kjøpt av dere" in html
    second.status = Order.Status.SHIPPED
    second.save(update_fields=["status"])  # as the admin writes it: the customer's orders version moves
    assert "Sendt" in buyer_client.get(reverse("shop:home")).content.decode()


def test_a_repeated_list_view_costs_no_catalogue_queries(
    buyer_client, buyer_member, product, django_assert_max_num_queries
):
    path = reverse("shop:category", args=["kabel"])
    buyer_client.get(path)
    # Left: the session (a database session in the tests; cached in Redis in production). Who is
    # looking comes from the authorization snapshot, the page itself from the page cache.
    with django_assert_max_num_queries(1):
        assert product.name in buyer_client.get(path).content.decode()


def test_cart_page_shows_every_change_to_the_cart_at_once(buyer_client, buyer_member, product):
    from shop.cart import cart_add, cart_get_or_create, cart_line_set_quantity

    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    line = cart_add(cart=cart, product=product, quantity=2)
    assert 'value="2"' in buyer_client.get(reverse("shop:cart")).content.decode()
    cart_line_set_quantity(line=line, quantity=7)
    html = buyer_client.get(reverse("shop:cart")).content.decode()
    assert 'value="7"' in html and "104,30 kr" in html  # 7 × 14,90
    NetPriceFactory(customer=buyer_member.customer, product=product, price=Decimal("10.00"))
    assert "70,00 kr" in buyer_client.get(reverse("shop:cart")).content.decode()


def test_a_colleagues_cart_with_the_same_content_has_its_own_forms(buyer_member, product):
    from shop.cart import cart_add, cart_get_or_create

    colleague = MembershipFactory(customer=buyer_member.customer, role=Role.BUYER, user__password=PASSWORD)
    pages = []
    for member in (buyer_member, colleague):
        cart = cart_get_or_create(customer=member.customer, user=member.user)
        line = cart_add(cart=cart, product=product, quantity=2)
        html = logged_in(member).get(reverse("shop:cart")).content.decode()
        assert reverse("shop:cart_line_update", args=[line.pk]) in html
        pages.append(html)
    assert pages[0] != pages[1]


def test_order_history_shows_a_changed_status_and_a_new_order_at_once(buyer_client, buyer_member, product):
    first = place_order(buyer_member, [product])
    assert "Mottatt" in buyer_client.get(reverse("shop:orders")).content.decode()
    first.status = Order.Status.SHIPPED  # as staff change it (admin): a save, which moves the orders version
    first.save(update_fields=["status"])
    # The list itself (the cached table), not the page: the status filter above it names every status.
    html = str(buyer_client.get(reverse("shop:orders")).context["table"])
    assert "Sendt" in html and "Mottatt" not in html
    second = place_order(buyer_member, [product])
    assert second.number in buyer_client.get(reverse("shop:orders")).content.decode()


@pytest.mark.parametrize("how", ["another process changed the catalogue", "Redis was flushed"])
def test_the_category_tree_kept_in_each_process_follows_the_catalogue_version(how, client, product):
    import time

    from django.core.cache import cache

    from shop.caching import VERSION_KEY, VERSION_MEMO_SECONDS
    from shop.models import Category

    path = reverse("shop:category", args=["kabel"])
    assert "<h1>Kabel</h1>" in client.get(path).content.decode()
    Category.objects.filter(slug="kabel").update(name="Kabel og ledning")  # a bulk write: no signal
    if how == "Redis was flushed":
        cache.clear()
    else:
        cache.incr(VERSION_KEY)  # what catalogue_changed() does in the process that wrote
    time.sleep(VERSION_MEMO_SECONDS + 0.1)  # this process re-reads the version at most once a second
    assert "<h1>Kabel og ledning</h1>" in client.get(path).content.decode()
