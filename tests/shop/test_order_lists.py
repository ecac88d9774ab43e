"""«Bestillingslister»: private or shared lists, from the cart, CSV in and out, into the cart."""

import pytest
from django.urls import reverse

from shop.cart import cart_add, cart_get_or_create
from shop.lists import order_list_create
from shop.models import CartLine, OrderList, OrderListLine, Product
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD

from .factories import ProductFactory


@pytest.fixture
def colleague(customer):
    return MembershipFactory(customer=customer, role="innkjoper", user__password=PASSWORD)


@pytest.fixture
def products(category):
    return [
        ProductFactory(sku="610001", name="Koblingsboks IP55", category=category),
        ProductFactory(sku="610002", name="Wago 221-413", category=category),
        ProductFactory(sku="610003", name="Kabelstrips 200 mm", category=category),
    ]


def test_save_the_cart_as_a_list_then_put_it_all_back(buyer_client, buyer_member, products):
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    cart_add(cart=cart, product=products[0], quantity=4)
    cart_add(cart=cart, product=products[1], quantity=50)
    response = buyer_client.post(reverse("shop:order_list_from_cart"), {"name": "  Bad   standard "})
    order_list = OrderList.objects.get()
    assert response["Location"] == reverse("shop:order_list", args=[order_list.pk])
    assert order_list.name == "Bad standard" and not order_list.is_shared
    assert [(line.sku, line.quantity) for line in order_list.lines.all()] == [("610001", 4), ("610002", 50)]

    CartLine.objects.all().delete()
    Product.objects.filter(pk=products[1].pk).update(is_active=False)
    response = buyer_client.post(reverse("shop:order_list_to_cart", args=[order_list.pk]), follow=True)
    html = response.content.decode()
    assert "1 varelinje fra «Bad standard» er lagt i handlekurven." in html
    assert "finnes ikke lenger" in html and "610002 Wago 221-413" in html
    assert [(line.product.sku, line.quantity) for line in CartLine.objects.filter(cart__status="open")] == [
        ("610001", 4)
    ]


def test_a_list_needs_a_name_said_next_to_the_field(buyer_client):
    response = buyer_client.post(reverse("shop:order_lists"), {"name": "   "})
    assert response.status_code == 400 and "Gi listen et navn." in response.content.decode()
    assert not OrderList.objects.exists()


def test_import_and_export_number_quantity_csv(buyer_client, buyer_member, products):
    order_list = order_list_create(customer=buyer_member.customer, owner=buyer_member.user, name="Tavle")
    url = reverse("shop:order_list_import", args=[order_list.pk])
    response = buyer_client.post(url, {"lines": "number;quantity\n610001;3\n610003;x\n999999;2\n610001;2"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Linje 3" in html and "Ugyldig antall" in html and "Linje 4" in html and "999999" in html
    assert [(line.sku, line.quantity) for line in order_list.lines.all()] == [("610001", 5)]

    export = buyer_client.get(reverse("shop:order_list_export", args=[order_list.pk]))
    assert export["Content-Type"].startswith("text/csv")
    assert 'filename="tavle.csv"' in export["Content-Disposition"]
    assert export.content.decode() == "number;quantity\r\n610001;5\r\n"
    # What was exported imports again (into another list, or «Hurtigbestilling»).
    other = order_list_create(customer=buyer_member.customer, owner=buyer_member.user, name="Kopi")
    buyer_client.post(reverse("shop:order_list_import", args=[other.pk]), {"lines": export.content.decode()})
    assert [(line.sku, line.quantity) for line in other.lines.all()] == [("610001", 5)]


def test_edit_quantities_zero_removes_and_bad_input_changes_nothing(buyer_client, buyer_member, products):
    order_list = order_list_create(
        customer=buyer_member.customer,
        owner=buyer_member.user,
        name="Kjøkken",
        items=[(products[0], 1), (products[1], 2)],
    )
    first, second = order_list.lines.all()
    url = reverse("shop:order_list_edit", args=[order_list.pk])
    html = buyer_client.post(url, {f"qty-{first.pk}": "mange", f"qty-{second.pk}": "0"}, follow=True)
    assert "Skriv et antall mellom 0 og 99 999." in html.content.decode()
    assert order_list.lines.count() == 2
    buyer_client.post(url, {f"qty-{first.pk}": "12", f"qty-{second.pk}": "0"})
    assert [(line.sku, line.quantity) for line in order_list.lines.all()] == [("610001", 12)]


def test_add_from_a_product_page_asks_which_list(buyer_client, buyer_member, products):
    mine = order_list_create(customer=buyer_member.customer, owner=buyer_member.user, name="Hytta")
    url = reverse("shop:order_list_add")
    page = buyer_client.post(url, {"product": products[2].pk, "next": "/produkt/610003/"})
    assert page.status_code == 200 and "Hytta" in page.content.decode()
    response = buyer_client.post(
        url, {"product": products[2].pk, "order_list": mine.pk, "quantity": "100", "next": "/produkt/610003/"}
    )
    assert response["Location"] == "/produkt/610003/"
    assert [(line.sku, line.quantity) for line in mine.lines.all()] == [("610003", 100)]
    buyer_client.post(url, {"product": products[2].pk, "order_list": "new", "new_list_name": "Ny", "quantity": "1"})
    assert OrderList.objects.get(name="Ny").lines.get().quantity == 1
    bad = buyer_client.post(url, {"product": products[2].pk, "order_list": mine.pk, "quantity": "0"})
    assert bad.status_code == 400 and "Skriv et antall" in bad.content.decode()


def test_private_lists_stay_private_and_shared_lists_change_only_by_owner_or_administrator(
    client, buyer_member, colleague, admin_member, products
):
    private = order_list_create(customer=buyer_member.customer, owner=buyer_member.user, name="Min")
    shared = order_list_create(
        customer=buyer_member.customer, owner=buyer_member.user, name="Felles", is_shared=True,
        items=[(products[0], 2)],
    )
    line = shared.lines.get()
    for member in (colleague, admin_member):
        client.force_login(member.user)
        assert client.get(reverse("shop:order_list", args=[private.pk])).status_code == 404
        assert client.post(reverse("shop:order_list_delete", args=[private.pk])).status_code == 404
        overview = client.get(reverse("shop:order_lists")).content.decode()
        assert "Felles" in overview and ">Min<" not in overview

    client.force_login(colleague.user)
    page = client.get(reverse("shop:order_list", args=[shared.pk])).content.decode()
    assert "Legg alt i handlekurven" in page and "bare den som laget den" in page
    client.post(reverse("shop:order_list_edit", args=[shared.pk]), {f"qty-{line.pk}": "99"})
    client.post(reverse("shop:order_list_delete", args=[shared.pk]))
    client.post(reverse("shop:order_list_import", args=[shared.pk]), {"lines": "610002;1"})
    assert OrderListLine.objects.get(pk=line.pk).quantity == 2 and shared.lines.count() == 1
    client.post(reverse("shop:order_list_to_cart", args=[shared.pk]))  # ordering from it is fine
    assert CartLine.objects.get(cart__user=colleague.user).quantity == 2

    client.force_login(admin_member.user)
    client.post(reverse("shop:order_list_edit", args=[shared.pk]), {"name": "Felles bad", "is_shared": "on"})
    client.post(reverse("shop:order_list_edit", args=[shared.pk]), {f"qty-{line.pk}": "7"})
    shared.refresh_from_db()
    assert shared.name == "Felles bad" and OrderListLine.objects.get(pk=line.pk).quantity == 7
    client.post(reverse("shop:order_list_delete", args=[shared.pk]))
    assert not OrderList.objects.filter(pk=shared.pk).exists()


def test_read_only_members_keep_lists_but_cannot_put_them_in_the_cart(client, readonly_member, products):
    order_list = order_list_create(
        customer=readonly_member.customer, owner=readonly_member.user, name="Plan", items=[(products[0], 1)]
    )
    client.force_login(readonly_member.user)
    assert "Legg alt i handlekurven" not in client.get(reverse("shop:order_list", args=[order_list.pk])).content.decode()
    assert client.post(reverse("shop:order_list_to_cart", args=[order_list.pk])).status_code == 403


def test_list_pages_run_a_constant_number_of_queries(
    buyer_client, buyer_member, category, django_assert_max_num_queries
):
    items = [(p, 2) for p in ProductFactory.create_batch(40, category=category)]
    for n in range(15):
        order_list = order_list_create(
            customer=buyer_member.customer, owner=buyer_member.user, name=f"Liste {n}", items=items
        )
    with django_assert_max_num_queries(8):
        response = buyer_client.get(reverse("shop:order_lists"))
    assert len(response.context["lists"]) == 15
    with django_assert_max_num_queries(10):
        response = buyer_client.get(reverse("shop:order_list", args=[order_list.pk]))
    assert len(response.context["lines"]) == 40
    with django_assert_max_num_queries(20):  # a fresh cart is created here (with savepoints)
        buyer_client.post(reverse("shop:order_list_to_cart", args=[order_list.pk]))


def test_choose_list_and_import_pages_run_a_constant_number_of_queries(
    buyer_client, buyer_member, products, django_assert_max_num_queries
):
    for n in range(20):
        order_list = order_list_create(customer=buyer_member.customer, owner=buyer_member.user, name=f"L{n}")
    with django_assert_max_num_queries(7):
        page = buyer_client.post(reverse("shop:order_list_add"), {"product": products[0].pk})
    assert len(page.context["choices"]) == 20
    with django_assert_max_num_queries(6):
        assert buyer_client.get(reverse("shop:order_list_import", args=[order_list.pk])).status_code == 200
