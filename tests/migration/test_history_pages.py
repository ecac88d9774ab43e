"""A legacy order's page, «Bestill på nytt» at today's price, and «Mine ordre» with legacy orders."""

from decimal import Decimal

import pytest

from migration.models import LegacyOrder
from shop.models import CartLine
from tests.shop.factories import NetPriceFactory, ProductFactory

from .conftest import LegacyAccountFactory


@pytest.fixture
def legacy_order(customer):
    LegacyAccountFactory(customer=customer, username="gamlesjef", name="Gunnar Gammel")
    order = LegacyOrder.objects.create(
        customer=customer,
        number="G-1001",
        username="gamlesjef",
        ordered_at="2024-05-02",
        reference="Hytta <Geilo>",
        status="Levert",
        total_excl_vat=Decimal("1450.00"),
    )
    ProductFactory(sku="KAB-1", el_number="1000001", name="Kabel i dag", list_price=Decimal("20.00"))
    ProductFactory(sku="NYTT-9", el_number="1234567", name="Stikkontakt i dag", list_price=Decimal("80.00"))
    order.lines.create(line_number=1, sku="kab-1", name="Kabel PFSP", quantity=Decimal("25"), unit="m", unit_price=10)
    order.lines.create(line_number=2, sku="GAMMEL-2", el_number="1234567", name="Stikkontakt", quantity=2)
    order.lines.create(line_number=3, sku="UTGATT-3", name="Dimmer fra 2010", quantity=Decimal("1.5"))
    return order


def test_legacy_order_page_shows_lines_and_reorder(client, buyer_member, legacy_order):
    client.force_login(buyer_member.user)
    html = client.get(f"/ordre/dagens-nettbutikk/{legacy_order.pk}/").content.decode()
    assert "Ordre G-1001" in html and "Fra dagens nettbutikk" in html
    assert "Hytta &lt;Geilo&gt;" in html  # stored text is escaped
    assert "Gunnar Gammel" in html
    assert "Kabel PFSP" in html and "Dimmer fra 2010" in html
    assert "25 m" in html and "1,5" in html  # quantities without trailing zeros, decimal comma
    assert "Bestill på nytt" in html


def test_reorder_fills_the_cart_at_todays_price_and_names_the_missing_line(client, buyer_member, legacy_order):
    cable = ProductFactory._meta.model.objects.get(sku="KAB-1")
    NetPriceFactory(customer=buyer_member.customer, product=cable, price=Decimal("15.00"))
    client.force_login(buyer_member.user)
    response = client.post(f"/ordre/dagens-nettbutikk/{legacy_order.pk}/bestill-igjen/", follow=True)
    lines = {line.product.sku: line.quantity for line in CartLine.objects.select_related("product")}
    assert lines == {"KAB-1": 25, "NYTT-9": 2}  # by varenummer (any case), else by EL-nummer
    html = response.content.decode()
    assert "Disse varene finnes ikke i sortimentet lenger og ble ikke lagt til: UTGATT-3 Dimmer fra 2010" in html
    assert "15,00" in html  # today's net price, not the old shop's 10,00


def test_read_only_users_see_the_order_but_cannot_reorder(client, readonly_member, legacy_order):
    client.force_login(readonly_member.user)
    html = client.get(f"/ordre/dagens-nettbutikk/{legacy_order.pk}/").content.decode()
    assert "G-1001" in html and "Bestill på nytt" not in html
    assert client.post(f"/ordre/dagens-nettbutikk/{legacy_order.pk}/bestill-igjen/").status_code == 403
    assert not CartLine.objects.exists()


def test_anonymous_goes_to_login(client, legacy_order):
    response = client.get(f"/ordre/dagens-nettbutikk/{legacy_order.pk}/")
    assert response.status_code == 302 and "/konto/" in response["Location"]




def _mine_ordre(client, **params):
    return client.get("/ordre/", params).content.decode()


def test_mine_ordre_lists_legacy_orders_after_the_customers_own_marked(client, buyer_member, legacy_order):
    from tests.shop.conftest import place_order

    own = place_order(buyer_member, [ProductFactory()], reference="Ny hytte")
    client.force_login(buyer_member.user)
    html = _mine_ordre(client)
    assert "2 ordre" in html
    assert html.index(own.number) < html.index("G-1001")  # their own first
    row = html[html.index("G-1001") - 200 : html.index("G-1001") + 400]
    assert f'href="/ordre/dagens-nettbutikk/{legacy_order.pk}/"' in row
    assert "Fra dagens nettbutikk" in row and "Levert" in html and "Gunnar Gammel" in html
    assert "Hytta &lt;Geilo&gt;" in html


def test_mine_ordre_search_and_filters_apply_to_legacy_orders(client, buyer_member, legacy_order, customer):
    LegacyOrder.objects.create(customer=customer, number="G-2002", ordered_at="2019-01-10", reference="Garasje")
    client.force_login(buyer_member.user)
    assert "G-1001" in _mine_ordre(client, q="geilo") and "G-2002" not in _mine_ordre(client, q="geilo")
    assert "G-1001" in _mine_ordre(client, q="KAB-1")  # a line's varenummer
    assert "G-1001" in _mine_ordre(client, q="dimmer")  # a line's name
    by_date = _mine_ordre(client, fra="2019-01-01", til="2019-12-31")
    assert "G-2002" in by_date and "G-1001" not in by_date
    by_status = _mine_ordre(client, status="mottatt")  # today's statuses: no legacy order has one
    assert "G-1001" not in by_status and "G-2002" not in by_status
    by_orderer = _mine_ordre(client, bestilt_av=buyer_member.user.pk)
    assert "G-1001" not in by_orderer
    account = LegacyAccountFactory._meta.model.objects.get(username="gamlesjef")
    account.user = buyer_member.user  # as the move form links it (a save: «Mine ordre» is rendered anew)
    account.save(update_fields=["user"])
    assert "G-1001" in _mine_ordre(client, bestilt_av=buyer_member.user.pk)  # the user who moved


def test_another_customers_legacy_orders_are_not_listed(client, buyer_member, legacy_order):
    from tests.factories import CustomerFactory

    LegacyOrder.objects.create(customer=CustomerFactory(), number="ANNEN-1", ordered_at="2024-01-01")
    client.force_login(buyer_member.user)
    assert "ANNEN-1" not in _mine_ordre(client) and "G-1001" in _mine_ordre(client)


@pytest.mark.parametrize("n", [3, 60])
def test_mine_ordre_query_budget_with_legacy_orders(client, buyer_member, customer, n, django_assert_max_num_queries):
    from tests.shop.conftest import place_order

    product = ProductFactory()
    for i in range(5):
        place_order(buyer_member, [product], reference=f"Bygg {i}")
    LegacyAccountFactory(customer=customer, username="gammel-n")
    for i in range(n):
        order = LegacyOrder.objects.create(customer=customer, number=f"G-{i}", username="gammel-n", ordered_at="2023-01-01")
        order.lines.create(line_number=1, sku="X", name="Vare", quantity=1)
    client.force_login(buyer_member.user)
    # Page 1 spans own and legacy orders, page 2 (at 60) only legacy ones: two COUNTs and at most two
    # slices on top of the list's own budget (8).
    for params in ({}, {"q": "bygg"}, {"q": "vare"}, {"fra": "2020-01-01", "side": 2}, {"side": 2}):
        with django_assert_max_num_queries(10):
            response = client.get("/ordre/", params)
        assert response.status_code == 200
    first, second = _mine_ordre(client), _mine_ordre(client, side=2)
    assert "Bygg 4" in first and "Fra dagens nettbutikk" in first  # own orders, then legacy ones
    assert f"{n + 5} ordre" in first
    if n > 25:
        assert "Bygg" not in second and second.count("badge-history") == 25
