"""The database connection drops in the middle of a request: the user gets the 500 page, and the
state change and its outbox row are both absent (they commit together or not at all).

Real PostgreSQL: a second connection kills the request's backend with pg_terminate_backend() after
the request has written the new colleague and queued the invitation, before it commits.
"""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Role, User
from core.models import OutboundEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _kill_my_backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


@pytest.fixture
def drop_after_invitation_is_queued(monkeypatch):
    real = services.email_enqueue

    def enqueue_then_lose_the_database(**kwargs):
        row = real(**kwargs)
        assert OutboundEmail.objects.filter(pk=row.pk).exists()  # written, not yet committed
        _kill_my_backend()
        return row

    monkeypatch.setattr(services, "email_enqueue", enqueue_then_lose_the_database)


def test_connection_killed_mid_invitation_gives_the_500_page_and_leaves_nothing_half_written(
    client, admin_a, customer_a, drop_after_invitation_is_queued
):
    client.force_login(admin_a.user)
    client.raise_request_exception = False
    members_before = Membership.objects.count()
    try:
        response = client.post(
            reverse("accounts:user_add"),
            {"email": "halv@a.example", "name": "Halv Skrevet", "role": Role.BUYER},
        )
    finally:
        connection.close()  # the next query reconnects
    assert response.status_code == 500
    body = response.content.decode()
    assert "Noe gikk galt" in body or "<h1" in body
    assert not User.objects.filter(email="halv@a.example").exists()
    assert Membership.objects.count() == members_before
    assert not OutboundEmail.objects.exists()
    # and the shop works again on the next request
    client.force_login(admin_a.user)
    assert client.get(reverse("accounts:users")).status_code == 200


def test_connection_killed_mid_checkout_places_no_order_and_queues_no_confirmation(
    client, admin_a, customer_a, monkeypatch
):
    import uuid

    from shop import orders
    from shop.cart import cart_add, cart_get_or_create
    from shop.models import CartLine, Order
    from tests.shop.factories import ProductFactory

    cart = cart_get_or_create(customer=customer_a, user=admin_a.user)
    cart_add(cart=cart, product=ProductFactory(), quantity=2)
    real = orders.email_enqueue

    def enqueue_then_lose_the_database(**kwargs):
        row = real(**kwargs)
        _kill_my_backend()
        return row

    monkeypatch.setattr(orders, "email_enqueue", enqueue_then_lose_the_database)
    client.force_login(admin_a.user)
    client.raise_request_exception = False
    page = client.get(reverse("shop:checkout"))
    data = {
        "token": str(uuid.uuid4()),
        "cart_version": page.context["form"].initial["cart_version"],
        "delivery_method": "henting",
        "pickup_branch": str(customer_a.branch_id),
        "reference": "",
        "requested_date": "",
        "comment": "",
    }
    try:
        response = client.post(reverse("shop:checkout"), data)
    finally:
        connection.close()
    assert response.status_code == 500
    assert not Order.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert CartLine.objects.filter(cart=cart).count() == 1, "the cart is still there to order from"
