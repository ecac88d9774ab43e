"""Tenant isolation: every URL that takes an id answers 404 for another customer's object."""

import pytest
from django.urls import reverse

from shop.cart import cart_add, cart_get_or_create
from shop.models import Address, CartLine, Order

from .conftest import place_order


@pytest.fixture
def foreign(other_member, product):
    """Another customer's order, cart line and address."""
    order = place_order(other_member, [product])
    cart = cart_get_or_create(customer=other_member.customer, user=other_member.user)
    line = cart_add(cart=cart, product=product, quantity=2)
    address = Address.objects.create(
        customer=other_member.customer, name="Annen AS", street="Gata 1", postal_code="5003", city="Bergen"
    )
    return {"order": order, "line": line, "address": address}


def id_urls(foreign):
    return [
        ("get", reverse("shop:order_detail", args=[foreign["order"].pk])),
        ("get", reverse("shop:order_confirmation", args=[foreign["order"].pk])),
        ("post", reverse("shop:order_reorder", args=[foreign["order"].pk])),
        ("post", reverse("shop:cart_line_update", args=[foreign["line"].pk])),
        ("post", reverse("shop:cart_line_delete", args=[foreign["line"].pk])),
        ("post", reverse("shop:address_delete", args=[foreign["address"].pk])),
    ]


def test_another_customers_ids_are_404_everywhere(buyer_client, foreign):
    for method, url in id_urls(foreign):
        response = getattr(buyer_client, method)(url, {"quantity": "1"})
        assert response.status_code == 404, url
    assert CartLine.objects.get(pk=foreign["line"].pk).quantity == 2
    assert Address.objects.get(pk=foreign["address"].pk).is_active


def test_a_colleagues_cart_line_is_404_too(client, buyer_member, admin_member, product):
    """Carts are per user and customer: a colleague at the same customer cannot edit mine."""
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    line = cart_add(cart=cart, product=product, quantity=1)
    client.force_login(admin_member.user)
    assert client.post(reverse("shop:cart_line_update", args=[line.pk]), {"quantity": 9}).status_code == 404
    assert client.post(reverse("shop:cart_line_delete", args=[line.pk])).status_code == 404


def test_a_user_of_two_customers_sees_only_the_current_customers_orders(client, buyer_member, product):
    from tests.factories import MembershipFactory

    second = MembershipFactory(user=buyer_member.user, role="innkjoper")
    mine = place_order(buyer_member, [product], reference="Kunde en")
    theirs = place_order(second, [product], reference="Kunde to")
    client.force_login(buyer_member.user)
    client.post(reverse("accounts:switch_customer"), {"customer": buyer_member.customer_id})
    html = client.get(reverse("shop:orders")).content.decode()
    assert "Kunde en" in html and "Kunde to" not in html
    assert client.get(reverse("shop:order_detail", args=[theirs.pk])).status_code == 404
    client.post(reverse("accounts:switch_customer"), {"customer": second.customer_id})
    assert client.get(reverse("shop:order_detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("shop:order_detail", args=[theirs.pk])).status_code == 200


def test_unknown_ids_are_404(buyer_client):
    for name in ("order_detail", "order_confirmation"):
        assert buyer_client.get(reverse(name.join(["shop:", ""]), args=[987654])).status_code == 404
    assert Order.objects.count() == 0


def test_customer_scoped_pages_send_visitors_to_login(client):
    for name in ("cart", "orders", "checkout", "quick_order", "addresses"):
        response = client.get(reverse(f"shop:{name}"))
        assert response.status_code == 302 and "/konto/login/" in response.url, name
