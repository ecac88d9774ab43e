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


