from decimal import Decimal

import pytest
from django.urls import reverse

from shop.cart import cart_add, cart_get_or_create
from shop.models import Cart, CartLine, Product

from .factories import DiscountFactory, NetPriceFactory, ProductFactory


def add(client, product, quantity=1, **extra):
    return client.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": quantity, **extra})


def test_add_from_product_page_and_again_grows_the_same_line(buyer_client, buyer_member, product):
    response = add(buyer_client, product, 3, next=reverse("shop:product", args=[product.sku]))
    assert response.status_code == 302 and response.url == reverse("shop:product", args=[product.sku])
    add(buyer_client, product, 2)
    line = CartLine.objects.get(cart__user=buyer_member.user)
    assert line.quantity == 5
    assert Cart.objects.filter(user=buyer_member.user, status="open").count() == 1


def test_add_answers_json_for_the_script(buyer_client, product):
    response = buyer_client.post(
        reverse("shop:cart_add"),
        {"product": product.pk, "quantity": 2},
        headers={"Accept": "application/json"},
    )
    assert response.json() == {"ok": True, "message": f"Lagt i handlekurven: 2 m {product.name}.", "lines": 1}
    response = buyer_client.post(
        reverse("shop:cart_add"),
        {"product": product.pk, "quantity": 0},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and not response.json()["ok"]


def test_add_refuses_bad_quantities_and_unknown_products(buyer_client, product):
    for quantity in ("0", "-3", "abc", "", "1000000"):
        add(buyer_client, product, quantity)
    assert not CartLine.objects.exists()
    assert (
        buyer_client.post(reverse("shop:cart_add"), {"product": "999999", "quantity": 1}).status_code == 404
    )
    assert buyer_client.post(reverse("shop:cart_add"), {"product": "x", "quantity": 1}).status_code == 404


def test_add_ignores_an_offsite_next_url(buyer_client, product):
    response = add(buyer_client, product, 1, next="https://evil.example/")
    assert response.url == reverse("shop:cart")


def test_cart_shows_customer_prices_and_totals_with_vat(buyer_client, buyer_member, product):
    DiscountFactory(customer=buyer_member.customer, discount_group="K10", percent=Decimal("25"))
    add(buyer_client, product, 10)  # 14.90 − 25 % = 11.18 (half up) × 10 = 111.80
    response = buyer_client.get(reverse("shop:cart"))
    html = response.content.decode()
    assert "11,18 kr" in html and "111,80 kr" in html
    assert "27,95 kr" in html  # VAT 25 %
    assert "139,75 kr" in html  # incl. VAT
    assert "Til kassen" in html


def test_change_quantity_and_remove_line(buyer_client, buyer_member, product):
    add(buyer_client, product, 1)
    line = CartLine.objects.get()
    buyer_client.post(reverse("shop:cart_line_update", args=[line.pk]), {"quantity": "7"})
    line.refresh_from_db()
    assert line.quantity == 7
    buyer_client.post(reverse("shop:cart_line_update", args=[line.pk]), {"quantity": "0"})
    assert not CartLine.objects.exists()
    add(buyer_client, product, 1)
    line = CartLine.objects.get()
    buyer_client.post(reverse("shop:cart_line_delete", args=[line.pk]))
    assert not CartLine.objects.exists()


def test_empty_the_cart_removes_every_line(buyer_client, product, category):
    add(buyer_client, product, 1)
    add(buyer_client, ProductFactory(category=category), 2)
    response = buyer_client.post(reverse("shop:cart_empty"), follow=True)
    assert "Handlekurven er tømt" in response.content.decode()
    assert not CartLine.objects.exists()


def test_read_only_user_cannot_change_the_cart(client, readonly_member, product):
    client.force_login(readonly_member.user)
    assert add(client, product, 1).status_code == 403
    assert client.get(reverse("shop:quick_order")).status_code == 403
    assert client.post(reverse("shop:cart_empty")).status_code == 403
    assert client.get(reverse("shop:cart")).status_code == 200
    assert not CartLine.objects.exists()


def test_visitor_is_sent_to_login(client, product):
    response = add(client, product, 1)
    assert response.status_code == 302 and "/konto/login/" in response.url


@pytest.mark.parametrize("lines", [1, 100])
def test_cart_page_runs_a_constant_number_of_queries(
    buyer_client, buyer_member, category, lines, django_assert_max_num_queries
):
    cart = cart_get_or_create(customer=buyer_member.customer, user=buyer_member.user)
    DiscountFactory(customer=buyer_member.customer)
    for i, product in enumerate(ProductFactory.create_batch(lines, category=category)):
        cart_add(cart=cart, product=product, quantity=i + 1)
        if i % 3 == 0:
            NetPriceFactory(customer=buyer_member.customer, product=product)
    with django_assert_max_num_queries(10):
        response = buyer_client.get(reverse("shop:cart"))
    assert len(response.context["summary"].lines) == lines
    with django_assert_max_num_queries(12):
        assert buyer_client.get(reverse("shop:checkout")).status_code == 200


# --- «Hurtigbestilling» ------------------------------------------------------------------------


def test_quick_order_adds_good_lines_and_lists_bad_ones_with_line_numbers(
    buyer_client, buyer_member, product
):
    by_sku = ProductFactory(sku="ABC-1")
    by_ean = ProductFactory()
    inactive = ProductFactory(is_active=False)
    text = "\n".join(
        [
            "10 000 37;3",
            "ABC-1;2",
            "",
            f"{by_ean.ean};1",
            "9999999;4",
            f"{product.sku};tre",
            f"{inactive.sku};1",
            f"{by_sku.sku}",
        ]
    )
    response = buyer_client.post(reverse("shop:quick_order"), {"lines": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Linje 5" in html and "9999999" in html and "Fant ingen aktiv vare" in html
    assert "Linje 6" in html and "Ugyldig antall «tre»" in html
    assert "Linje 7" in html
    assert "Linje 8" in html and "Mangler antall" in html
    quantities = dict(CartLine.objects.values_list("product__sku", "quantity"))
    assert quantities == {product.sku: 3, "ABC-1": 2, by_ean.sku: 1}
    # The bad lines stay in the box to be fixed.
    assert response.context["form"].initial["lines"].count("\n") == 3


def test_quick_order_from_uploaded_csv_goes_to_the_cart(buyer_client, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("liste.csv", f"nummer;antall\n{product.sku};12\n".encode(), "text/csv")
    response = buyer_client.post(reverse("shop:quick_order"), {"file": upload})
    assert response.status_code == 302 and response.url == reverse("shop:cart")
    assert CartLine.objects.get().quantity == 12


def test_quick_order_with_nothing_says_what_to_do(buyer_client):
    response = buyer_client.post(reverse("shop:quick_order"), {"lines": "  "})
    assert "Lim inn varelinjer" in response.content.decode()


def test_quick_order_of_hostile_text_never_fails(buyer_client):
    text = "\n".join(["';--;1", "<b>x</b>;2", "\x00;1", "ø" * 500 + ";1", ";;;", "1;" + "9" * 50])
    response = buyer_client.post(reverse("shop:quick_order"), {"lines": text})
    assert response.status_code == 200
    assert not Product.objects.exists() or not CartLine.objects.exists()
