"""Orders on paper and products in pictures, in a real browser, checked with axe-core."""

import pytest
from pypdf import PdfReader

from shop.media import product_document_put, product_image_add
from shop.models import ProductDocument
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import ProductFactory, StockFactory
from .test_media import PDF, picture

pytestmark = pytest.mark.browser


def _both_widths(page, name):
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"documents-{name}-375")
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"documents-{name}-1280")


def _log_in(page, member):
    page.goto("/konto/login/")
    page.fill("input[name=login]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")


def test_site_leader_finds_an_order_by_reference_and_downloads_it(page, buyer_member, product, tmp_path):
    breaker = ProductFactory(sku="ACC-3001", el_number="1630552", name="Hager jordfeilbryter 2P 40A", category=product.category)
    StockFactory(product=breaker, branch=buyer_member.customer.branch, quantity=8)
    product_image_add(product=breaker, content=picture(), filename="ACC-3001.jpg", is_main=True)
    product_image_add(product=breaker, content=picture(600, 900, (20, 90, 160)), filename="ACC-3001_2.jpg", position=2)
    product_document_put(product=breaker, kind=ProductDocument.Kind.FDV, content=PDF, filename="1630552_fdv.pdf")
    wanted = place_order(buyer_member, [product, breaker], reference="Skole 3B")
    for i in range(3):
        place_order(buyer_member, [product], reference=f"Bolig {i}")

    _log_in(page, buyer_member)
    page.goto(f"/produkt/{breaker.sku}/")
    main = page.locator(".product-gallery img.product-picture-page")
    assert main.get_attribute("alt") == breaker.name
    assert main.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("a:has-text('FDV-dokumentasjon')").count() == 1
    assert_accessible(page, label="product page with pictures")
    _both_widths(page, "product")

    page.goto(f"/sortiment/{product.category.slug}/")
    assert page.locator(f"img[alt='{breaker.name}']").count() == 1
    assert page.locator("img.product-picture-none").count() >= 1
    assert_accessible(page, label="list with pictures")
    _both_widths(page, "list")

    page.goto("/ordre/")
    page.fill("#id_q", "skole 3b")
    page.click("form.order-search button[type=submit]")
    page.wait_for_url(lambda url: "q=skole" in url)
    assert page.locator("tbody tr").count() == 1
    assert wanted.number in page.inner_text("table")
    assert_accessible(page, label="«Mine ordre» searched")
    _both_widths(page, "orders-search")

    page.fill("#id_fra", "2026-12-31")
    page.fill("#id_til", "2026-01-01")
    page.click("form.order-search button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "Til-datoen må være samme dag" in page.inner_text("form.order-search")
    assert_accessible(page, label="«Mine ordre» with a bad date range")

    page.goto(f"/ordre/{wanted.pk}/")
    assert_accessible(page, label="order detail with documents")
    _both_widths(page, "order-detail")
    with page.expect_download() as download:
        page.click("a:has-text('Last ned PDF')")
    path = tmp_path / "ordre.pdf"
    download.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert wanted.number in text and "Skole 3B" in text

    # On paper: the shop's frame and the buttons are gone, the lines and totals stay.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("a:has-text('Last ned PDF')").is_visible()
    assert page.locator("text=Hager jordfeilbryter 2P 40A").first.is_visible()
    screenshot(page, "documents-order-print")
