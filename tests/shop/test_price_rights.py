"""«Kan se priser» off: no price, discount or total anywhere, while ordering still works.
«Vis priser inkl. mva»: the user's choice, remembered, on every page with prices."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import OutboundEmail
from identity.claims import customers_claim
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import DiscountFactory, ProductFactory, StockFactory

# Amounts that can only come from this test's prices: list 123,45, the customer's 20 % → 98,76.
AMOUNTS = re.compile(r"123,45|98,76|197,52|246,90|123,4|\d+,\d\d kr")


@pytest.fixture
def priced(customer, branch, category):
    product = ProductFactory(sku="777001", name="Downlight 10 W", category=category, list_price="123.45")
    StockFactory(product=product, branch=branch, quantity=30)
    DiscountFactory(customer=customer, discount_group=product.discount_group, percent="20")
    return product


@pytest.fixture
def blind_member(customer):
    return MembershipFactory(customer=customer, role="innkjoper", can_see_prices=False, user__password=PASSWORD)


def _pages(client, product, order):
    urls = [
        reverse("shop:home"),
        reverse("shop:catalogue"),
        reverse("shop:category", args=[product.category.slug]),
        reverse("shop:search") + "?q=downlight",
        reverse("shop:product", args=[product.sku]),
        reverse("shop:cart"),
        reverse("shop:quick_order"),
        reverse("shop:checkout"),
        reverse("shop:orders"),
        reverse("shop:order_detail", args=[order.pk]),
        reverse("shop:order_lists"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_without_price_rights_no_page_shows_a_price_and_ordering_still_works(
    client, blind_member, admin_member, priced, mailoutbox, django_capture_on_commit_callbacks
):
    # A colleague with price rights looks first, so every cached fragment is warm with prices.
    client.force_login(admin_member.user)
    admin_order = place_order(admin_member, [priced])
    client.post(reverse("shop:cart_add"), {"product": priced.pk, "quantity": "2"})
    warm = dict(_pages(client, priced, admin_order))
    assert "98,76" in warm[reverse("shop:catalogue")]
    assert "98,76" in client.get(reverse("shop:product", args=[priced.sku])).content.decode()

    client.force_login(blind_member.user)
    client.post(reverse("shop:cart_add"), {"product": priced.pk, "quantity": "2"})
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(blind_member, [priced])
    client.post(reverse("shop:cart_add"), {"product": priced.pk, "quantity": "2"})
    for url, html in _pages(client, priced, order):
        main = html.split('<main', 1)[1].split("</main>", 1)[0]
        assert not AMOUNTS.search(main), f"{url} shows a price: {AMOUNTS.search(main).group()}"
        assert "rabatt" not in main.lower() and "nettopris" not in main.lower(), url
        assert "Vis priser inkl. mva" not in html, url
    assert "Pris, lavest først" not in client.get(reverse("shop:catalogue")).content.decode()

    [mail] = [m for m in mailoutbox if m.to == [blind_member.user.email]]
    assert not AMOUNTS.search(mail.body) and "Sum" not in mail.body
    assert not AMOUNTS.search(mail.alternatives[0][0]) if mail.alternatives else True
    # The prices are not even in the stored outbox row.
    row = OutboundEmail.objects.get(idempotency_key=f"shop.order_confirmation:{order.pk}")
    assert "98,76" not in str(row.context) and "total_excl_vat" not in row.context
    # The order itself is priced as always.
    assert order.total_excl_vat == Decimal("395.04")  # 4 × 98,76


def test_the_app_claims_say_when_prices_are_hidden(blind_member, admin_member):
    [entry] = customers_claim(blind_member.user)
    assert entry["hide_prices"] is True
    [entry] = customers_claim(admin_member.user)
    assert "hide_prices" not in entry


def test_vat_switch_is_remembered_and_changes_every_price(client, buyer_member, priced):
    client.force_login(buyer_member.user)
    product_url = reverse("shop:product", args=[priced.sku])
    html = client.get(product_url).content.decode()
    assert "98,76 kr" in html and 'aria-checked="false"' in html
    response = client.post(reverse("shop:vat_preference"), {"incl_vat": "1", "next": product_url})
    assert response.status_code == 302 and response["Location"] == product_url
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.prices_incl_vat is True

    client.logout()
    client.force_login(buyer_member.user)  # remembered on the user, not in the session
    html = client.get(product_url).content.decode()
    assert "123,45 kr</span> <span class=\"price-note\">inkl. mva" in html and 'aria-checked="true"' in html
    client.post(reverse("shop:cart_add"), {"product": priced.pk, "quantity": "2"})
    cart = client.get(reverse("shop:cart")).content.decode()
    assert "Pris inkl. mva" in cart and "246,90 kr" in cart
    listing = client.get(reverse("shop:catalogue")).content.decode()
    assert "123,45 kr" in listing and "nettopriser inkl. mva" in listing

    client.post(reverse("shop:vat_preference"), {"incl_vat": "0", "next": product_url})
    assert "98,76 kr" in client.get(product_url).content.decode()


def test_vat_switch_refuses_a_foreign_next_and_visitors(client, buyer_member):
    assert client.post(reverse("shop:vat_preference"), {"incl_vat": "1"}).status_code == 302
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.prices_incl_vat is False  # a visitor was sent to log in
    client.force_login(buyer_member.user)
    response = client.post(reverse("shop:vat_preference"), {"incl_vat": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
