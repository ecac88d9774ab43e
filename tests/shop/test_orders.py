import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from core.models import OutboundEmail
from shop.cart import cart_add, cart_get_or_create
from shop.models import Address, Cart, CartLine, Order, Product
from shop.orders import order_place

from .conftest import place_order
from .factories import DiscountFactory, NetPriceFactory, ProductFactory


def checkout_data(client=None, **overrides):
    """The checkout form's fields, with the cart version the checkout page handed out."""
    version = ""
    if client is not None:
        page = client.get(reverse("shop:checkout"))
        if page.status_code == 200:
            version = page.context["form"].initial["cart_version"]
    return {
        "cart_version": version,
        "token": str(uuid.uuid4()),
        "delivery_method": "henting",
        "reference": "Prosjekt Bryggen",
        "requested_date": "",
        "comment": "",
        **overrides,
    }


@pytest.fixture
def filled_cart(buyer_client, buyer_member, product):
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    cart_add(cart=cart, product=product, quantity=10)
    return cart


def test_checkout_with_pickup_places_order_with_price_snapshot_and_email(
    buyer_client, buyer_member, product, filled_cart, branch, mailoutbox, django_capture_on_commit_callbacks
):
    NetPriceFactory(customer=buyer_member.customer, product=product, price=Decimal("7.62"))
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(
            reverse("shop:checkout"),
            checkout_data(buyer_client, pickup_branch=branch.pk, comment="Ring før levering"),
        )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("shop:order_confirmation", args=[order.pk])
    assert (order.total_excl_vat, order.vat, order.total_incl_vat) == (
        Decimal("76.20"),
        Decimal("19.05"),
        Decimal("95.25"),
    )
    assert order.pickup_branch == branch and order.branch == buyer_member.customer.branch
    line = order.lines.get()
    assert (line.sku, line.quantity, line.unit_price, line.list_price) == (
        product.sku,
        10,
        Decimal("7.62"),
        Decimal("14.90"),
    )
    filled_cart.refresh_from_db()
    assert filled_cart.status == Cart.Status.ORDERED
    # The snapshot holds when prices change later.
    Product.objects.filter(pk=product.pk).update(list_price=Decimal("99"))
    line.refresh_from_db()
    assert line.unit_price == Decimal("7.62")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [buyer_member.user.email]
    assert order.number in mail.subject
    assert "76,20" in mail.body and "95,25" in mail.body and "Prosjekt Bryggen" in mail.body
    assert f"/ordre/{order.pk}/" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "95,25 kr" in html and "Se ordren" in html
    assert OutboundEmail.objects.filter(idempotency_key=f"shop.order_confirmation:{order.pk}").count() == 1

    page = buyer_client.get(response.url).content.decode()
    assert "Takk for bestillingen" in page and order.number in page


def test_checkout_to_a_new_address_saves_it_for_next_time(buyer_client, buyer_member, filled_cart):
    response = buyer_client.post(
        reverse("shop:checkout"),
        checkout_data(
            buyer_client,
            delivery_method="levering",
            address="ny",
            new_name="Byggeplass Lia",
            new_street="Liaveien 3",
            new_postal_code="0950",
            new_city="Oslo",
        ),
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.delivery_street == "Liaveien 3" and order.address.customer == buyer_member.customer
    assert Address.objects.for_customer(buyer_member.customer).count() == 1


def test_a_refused_order_to_a_new_address_leaves_no_address_behind(
    buyer_client, buyer_member, filled_cart, product
):
    """Address and order are written in one transaction: the order is refused, so is the address."""
    Product.objects.filter(pk=product.pk).update(is_active=False)
    response = buyer_client.post(
        reverse("shop:checkout"),
        checkout_data(
            buyer_client,
            delivery_method="levering",
            address="ny",
            new_name="Byggeplass Lia",
            new_street="Liaveien 3",
            new_postal_code="0950",
            new_city="Oslo",
        ),
        follow=True,
    )
    assert "selges ikke lenger" in response.content.decode()
    assert not Order.objects.exists()
    assert not Address.objects.filter(customer=buyer_member.customer).exists()


def test_checkout_errors_are_shown_next_to_the_fields_and_nothing_is_ordered(buyer_client, filled_cart):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = buyer_client.post(
        reverse("shop:checkout"),
        checkout_data(
            buyer_client,
            delivery_method="levering",
            address="ny",
            new_postal_code="12",
            requested_date=yesterday,
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"new_name", "new_street", "new_postal_code", "new_city", "requested_date"} <= set(errors)
    assert not Order.objects.exists()


def test_another_customers_address_cannot_be_chosen(buyer_client, filled_cart, other_member):
    foreign = Address.objects.create(
        customer=other_member.customer, name="X", street="Y", postal_code="0001", city="Z"
    )
    response = buyer_client.post(
        reverse("shop:checkout"),
        checkout_data(buyer_client, delivery_method="levering", address=str(foreign.pk)),
    )
    assert response.status_code == 200 and "address" in response.context["form"].errors
    assert not Order.objects.exists()


def test_double_submit_and_back_button_create_one_order(
    buyer_client, filled_cart, branch, mailoutbox, django_capture_on_commit_callbacks
):
    data = checkout_data(buyer_client, pickup_branch=branch.pk)
    with django_capture_on_commit_callbacks(execute=True):
        first = buyer_client.post(reverse("shop:checkout"), data)
        second = buyer_client.post(reverse("shop:checkout"), data)
    assert first.url == second.url
    assert Order.objects.count() == 1
    assert len(mailoutbox) == 1
    # The back button and a fresh form on the now empty cart place nothing either.
    third = buyer_client.post(reverse("shop:checkout"), checkout_data(buyer_client, pickup_branch=branch.pk))
    assert third.status_code == 302 and third.url == reverse("shop:cart")
    assert Order.objects.count() == 1


def test_cart_changed_in_another_tab_is_shown_before_anything_is_ordered(
    buyer_client, buyer_member, filled_cart, branch, category
):
    data = checkout_data(buyer_client, pickup_branch=branch.pk)
    cart_add(cart=filled_cart, product=ProductFactory(category=category), quantity=1)
    response = buyer_client.post(reverse("shop:checkout"), data)
    assert response.status_code == 200
    assert "Handlekurven er endret" in response.content.decode()
    assert not Order.objects.exists()
    data = checkout_data(buyer_client, pickup_branch=branch.pk)
    assert buyer_client.post(reverse("shop:checkout"), data).status_code == 302
    assert Order.objects.get().lines.count() == 2


def test_order_place_twice_with_the_same_token_returns_the_same_order(buyer_member, product):
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    cart_add(cart=cart, product=product, quantity=1)
    token = uuid.uuid4()
    kwargs = {"delivery_method": "henting", "pickup_branch": buyer_member.customer.branch, "token": token}
    first, created = order_place(cart=cart, user=buyer_member.user, **kwargs)
    again, created_again = order_place(cart=cart, user=buyer_member.user, **kwargs)
    assert created and not created_again and first == again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_creates_one_order(buyer_member, product):
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL row locks (DATABASE_URL=postgres://…)")
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    cart_add(cart=cart, product=product, quantity=4)
    token = uuid.uuid4()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                order_place(
                    cart=cart,
                    user=buyer_member.user,
                    token=token,
                    delivery_method="henting",
                    pickup_branch=buyer_member.customer.branch,
                )
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert Order.objects.count() == 1
    assert sum(1 for _, created in results if created) == 1
    assert {order.pk for order, _ in results} == {Order.objects.get().pk}
    assert OutboundEmail.objects.filter(kind="shop.order_confirmation").count() == 1


def test_read_only_user_cannot_reach_checkout(client, readonly_member):
    client.force_login(readonly_member.user)
    response = client.get(reverse("shop:checkout"))
    assert response.status_code == 403
    assert client.post(reverse("shop:checkout"), checkout_data()).status_code == 403
    assert not Order.objects.exists()


def test_empty_cart_cannot_check_out(buyer_client):
    response = buyer_client.get(reverse("shop:checkout"))
    assert response.status_code == 302 and response.url == reverse("shop:cart")


def test_inactive_product_in_cart_blocks_the_order_with_a_message(buyer_client, filled_cart, product, branch):
    Product.objects.filter(pk=product.pk).update(is_active=False)
    response = buyer_client.post(
        reverse("shop:checkout"), checkout_data(buyer_client, pickup_branch=branch.pk), follow=True
    )
    assert "selges ikke lenger" in response.content.decode()
    assert not Order.objects.exists()


def test_my_orders_lists_the_customers_orders_with_status_date_reference_total(
    client, buyer_member, admin_member, product
):
    place_order(buyer_member, [product], reference="Bryggen blokk A")
    place_order(admin_member, [product], reference="Lager")
    client.force_login(buyer_member.user)
    html = client.get(reverse("shop:orders")).content.decode()
    assert "Bryggen blokk A" in html and "Lager" in html and "Mottatt" in html and "29,80 kr" in html


def test_order_history_runs_a_constant_number_of_queries(
    buyer_client, buyer_member, category, django_assert_max_num_queries
):
    products = ProductFactory.create_batch(5, category=category)
    for _ in range(30):
        place_order(buyer_member, products)
    with django_assert_max_num_queries(8):
        response = buyer_client.get(reverse("shop:orders"))
    assert len(response.context["orders"]) == 25
    order = Order.objects.first()
    with django_assert_max_num_queries(8):
        assert buyer_client.get(reverse("shop:order_detail", args=[order.pk])).status_code == 200


def test_reorder_puts_lines_in_the_cart_and_skips_products_no_longer_sold(
    buyer_client, buyer_member, product, category
):
    gone = ProductFactory(name="Utgått bryter", category=category)
    order = place_order(buyer_member, [product, gone], quantity=3)
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    response = buyer_client.post(reverse("shop:order_reorder", args=[order.pk]), follow=True)
    html = response.content.decode()
    assert "Utgått bryter" in html and "selges ikke lenger" in html
    line = CartLine.objects.get(cart__status="open")
    assert (line.product, line.quantity) == (product, 3)


def test_reorder_uses_todays_prices(buyer_client, buyer_member, product):
    order = place_order(buyer_member, [product])
    DiscountFactory(customer=buyer_member.customer, discount_group="K10", percent=Decimal("50"))
    buyer_client.post(reverse("shop:order_reorder", args=[order.pk]))
    assert "7,45 kr" in buyer_client.get(reverse("shop:cart")).content.decode()


def test_read_only_user_sees_orders_but_cannot_reorder(client, readonly_member, buyer_member, product):
    order = place_order(buyer_member, [product])
    client.force_login(readonly_member.user)
    assert client.get(reverse("shop:order_detail", args=[order.pk])).status_code == 200
    assert client.post(reverse("shop:order_reorder", args=[order.pk])).status_code == 403


def test_front_page_shows_what_the_customer_buys_often_and_recent_orders(
    buyer_client, buyer_member, product, other_member, category, django_assert_max_num_queries
):
    others_favourite = ProductFactory(name="Andres favoritt", category=category)
    for _ in range(3):
        place_order(other_member, [others_favourite])
    order = place_order(buyer_member, [product], reference="Hytta")
    with django_assert_max_num_queries(12):
        html = buyer_client.get(reverse("shop:home")).content.decode()
    assert "Ofte kjøpt av dere" in html and product.name in html
    assert "Andres favoritt" not in html
    assert order.number in html and "Hytta" in html
