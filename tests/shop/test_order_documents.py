"""An order on paper and in files: the PDF («Last ned PDF», the confirmation's attachment), CSV, XLSX."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.delivery import email_render
from core.models import OutboundEmail
from shop.order_documents import order_pdf

from .conftest import place_order
from .factories import ProductFactory


@pytest.fixture
def order(buyer_member, product):
    cable = ProductFactory(sku="ACC-3001", el_number="1630552", name="Hager jordfeilbryter 2P 40A", list_price="612.00")
    return place_order(buyer_member, [product, cable], quantity=3, reference="Skole 3B")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_holds_the_shop_customer_number_reference_lines_and_totals(order):
    text = _pdf_text(order_pdf(order))
    assert f"Ordre {order.number}" in text
    assert "Skole 3B" in text
    assert order.customer.name in text and order.customer.number in text
    assert "ACC-3001" in text and "Hager jordfeilbryter 2P 40A" in text
    assert order.total_excl_vat == Decimal("1880.70")  # 3 × 14,90 + 3 × 612,00
    assert "1 880,70 kr" in text.replace("\u00a0", " ")  # sum excl. VAT
    assert "2 350,88 kr" in text.replace("\u00a0", " ")  # incl. 25 % VAT


def test_download_pdf_from_the_order_page(buyer_client, order):
    page = buyer_client.get(reverse("shop:order_detail", args=[order.pk]))
    assert reverse("shop:order_pdf", args=[order.pk]) in page.content.decode()
    assert "Last ned PDF" in page.content.decode()
    response = buyer_client.get(reverse("shop:order_pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"ordre-{order.number}.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "Skole 3B" in _pdf_text(response.content)


def test_confirmation_email_carries_the_pdf(order):
    email = OutboundEmail.objects.get(kind="shop.order_confirmation")
    message = email_render(email)
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"ordre-{order.number}.pdf", "application/pdf")
    assert order.number in _pdf_text(content) and "Skole 3B" in _pdf_text(content)


def test_confirmation_pdf_can_be_turned_off(order, settings):
    settings.ORDER_CONFIRMATION_PDF = False
    message = email_render(OutboundEmail.objects.get(kind="shop.order_confirmation"))
    assert message.attachments == []
    assert order.number in message.subject


def test_order_csv_holds_every_line_with_numbers_and_sums(buyer_client, order):
    response = buyer_client.get(reverse("shop:order_csv", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["line_number"], r["sku"], r["el_number"], r["quantity"], r["unit_price"], r["line_total"]) for r in rows] == [
        ("1", "100001", "1000037", "3", "14.90", "44.70"),
        ("2", "ACC-3001", "1630552", "3", "612.00", "1836.00"),
    ]
    assert {r["order_number"] for r in rows} == {order.number}
    assert {r["reference"] for r in rows} == {"Skole 3B"}


def test_order_xlsx_opens_with_numbers_as_numbers(buyer_client, order):
    response = buyer_client.get(reverse("shop:order_xlsx", args=[order.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header[:3] == ("order_number", "ordered_at", "reference")
    by_name = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["sku"], r["name"], r["quantity"]) for r in by_name] == [
        ("100001", "Nexans PFSP 3G1,5 mm² installasjonskabel", 3),
        ("ACC-3001", "Hager jordfeilbryter 2P 40A", 3),
    ]
    assert [Decimal(str(r["line_total"])) for r in by_name] == [Decimal("44.70"), Decimal("1836.00")]


def test_list_exports_hold_the_searched_orders_only(buyer_client, buyer_member, product):
    wanted = place_order(buyer_member, [product], reference="Skole 3B")
    place_order(buyer_member, [ProductFactory()], reference="Bolig 14")
    response = buyer_client.get(reverse("shop:orders_csv"), {"q": "skole"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert [r["order_number"] for r in rows] == [wanted.number]
    response = buyer_client.get(reverse("shop:orders_xlsx"))
    header, *rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2 and {r[header.index("reference")] for r in rows} == {"Skole 3B", "Bolig 14"}


def test_exports_of_the_list_use_a_constant_number_of_queries(
    buyer_client, buyer_member, product, django_assert_max_num_queries
):
    for i in range(12):
        place_order(buyer_member, [product, ProductFactory()], reference=f"Prosjekt {i}")
    with django_assert_max_num_queries(6):
        response = buyer_client.get(reverse("shop:orders_csv"))
        assert len(b"".join(response.streaming_content).splitlines()) == 1 + 24
    with django_assert_max_num_queries(6):
        assert buyer_client.get(reverse("shop:orders_xlsx")).status_code == 200


def test_another_customers_order_documents_are_404(buyer_client, other_member, product):
    theirs = place_order(other_member, [product])
    for name in ("shop:order_pdf", "shop:order_csv", "shop:order_xlsx"):
        assert buyer_client.get(reverse(name, args=[theirs.pk])).status_code == 404
    rows = b"".join(buyer_client.get(reverse("shop:orders_csv")).streaming_content).decode("utf-8-sig")
    assert theirs.number not in rows
