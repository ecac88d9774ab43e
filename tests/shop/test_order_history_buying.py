"""Where «Mine ordre» (search, exports, PDF) meets buying in a company: a member without «Kan se
priser» gets no amount in any file, and orders waiting for approval or rejected are found with the
filters and say so."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Membership, Role
from accounts.services import membership_invite, membership_offer_accept
from shop.approval import order_reject
from shop.models import Order
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import ProductFactory

# Amounts only this test's prices make: 321,50 a piece, 643,00 for two, 803,75 incl. VAT.
AMOUNTS = re.compile(r"321[.,]5|643[.,]0|803[.,]75|160[.,]75")


@pytest.fixture
def priced(category):
    return ProductFactory(sku="654321", el_number="1234567", name="Stikkontakt 2-veis", category=category,
                          list_price="321.50")


@pytest.fixture
def blind_member(customer):
    return MembershipFactory(customer=customer, role=Role.BUYER, can_see_prices=False, user__password=PASSWORD)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_rows(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_without_price_rights_no_order_file_holds_an_amount(
    client, blind_member, priced, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(blind_member, [priced])
    assert order.total_excl_vat == Decimal("643.00")  # the order itself is priced as always
    client.force_login(blind_member.user)

    pdf = client.get(reverse("shop:order_pdf", args=[order.pk]))
    text = _pdf_text(pdf.content)
    assert "Stikkontakt 2-veis" in text and not AMOUNTS.search(text) and "Sum" not in text

    for name in ("shop:order_csv", "shop:orders_csv"):
        url = reverse(name, args=[order.pk]) if name == "shop:order_csv" else reverse(name)
        [row] = _csv_rows(client.get(url))
        assert row["sku"] == "654321" and row["quantity"] == "2"
        assert row["unit_price"] == "" and row["line_total"] == "", name  # columns kept, values empty

    for name in ("shop:order_xlsx", "shop:orders_xlsx"):
        url = reverse(name, args=[order.pk]) if name == "shop:order_xlsx" else reverse(name)
        header, line = _xlsx_rows(client.get(url).content)
        assert "unit_price" in header and "line_total" in header
        assert line[header.index("unit_price")] is None and line[header.index("line_total")] is None, name

    # The PDF attached to the confirmation email is just as blind.
    [mail] = mailoutbox
    [(_name, content, _type)] = mail.attachments
    attached = _pdf_text(content)
    assert order.number in attached and not AMOUNTS.search(attached)


def test_with_price_rights_the_files_hold_the_amounts(buyer_client, buyer_member, priced):
    order = place_order(buyer_member, [priced])
    [row] = _csv_rows(buyer_client.get(reverse("shop:orders_csv")))
    assert Decimal(row["unit_price"]) == Decimal("321.50") and Decimal(row["line_total"]) == Decimal("643.00")
    text = _pdf_text(buyer_client.get(reverse("shop:order_pdf", args=[order.pk])).content)
    assert "643,00" in text


def test_pending_and_rejected_orders_are_found_by_the_status_filter(client, customer, admin_member, priced):
    buyer = MembershipFactory(customer=customer, role=Role.BUYER, order_limit=Decimal("100"),
                              user__password=PASSWORD)
    waiting = place_order(buyer, [priced])
    rejected = place_order(buyer, [priced], reference="Hytta")
    order_reject(order=rejected, decided_by=admin_member.user, reason="For dyrt")
    placed = place_order(admin_member, [priced])
    assert waiting.status == Order.Status.PENDING
    client.force_login(buyer.user)

    page = client.get(reverse("shop:orders")).content.decode()
    assert '<option value="venter">Venter på godkjenning</option>' in page
    assert '<option value="avvist">Avvist</option>' in page

    def listed(**query):
        html = client.get(reverse("shop:orders"), query).content.decode()
        return {o.number for o in (waiting, rejected, placed) if f">{o.number}</a>" in html}, html

    numbers, html = listed(status="venter")
    assert numbers == {waiting.number} and "Venter på godkjenning" in html
    assert listed(status="avvist")[0] == {rejected.number}
    assert listed(q="Hytta")[0] == {rejected.number}
    assert listed(q=waiting.number)[0] == {waiting.number}

    rows = _csv_rows(client.get(reverse("shop:orders_csv"), {"status": "venter"}))
    assert [(r["order_number"], r["status"]) for r in rows] == [(waiting.number, "Venter på godkjenning")]

    detail = client.get(reverse("shop:order_detail", args=[rejected.pk])).content.decode()
    assert "For dyrt" in detail and "Last ned PDF" in detail
    assert "Avvist" in _pdf_text(client.get(reverse("shop:order_pdf", args=[rejected.pk])).content)


def test_an_offer_to_an_existing_user_keeps_the_buying_rights_chosen(admin_member, other_member):
    offer = membership_invite(
        customer=admin_member.customer,
        email=other_member.user.email,
        name="",
        role=Role.BUYER,
        invited_by=admin_member.user,
        order_limit=Decimal("2500.00"),
        can_see_prices=False,
    )
    assert not Membership.objects.filter(user=other_member.user, customer=admin_member.customer).exists()
    membership = membership_offer_accept(user=other_member.user, offer_id=offer.pk)
    assert (membership.order_limit, membership.can_see_prices) == (Decimal("2500.00"), False)


def test_a_new_user_gets_the_buying_rights_chosen(admin_member):
    membership = membership_invite(
        customer=admin_member.customer,
        email="ny.kollega@firma.example",
        name="Ny Kollega",
        role=Role.BUYER,
        invited_by=admin_member.user,
        order_limit=Decimal("900"),
        can_see_prices=False,
    )
    assert (membership.order_limit, membership.can_see_prices) == (Decimal("900"), False)
    assert not UserFactory._meta.model.objects.get(email="ny.kollega@firma.example").has_usable_password()
