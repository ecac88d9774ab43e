"""The electrician's journey through the shop in a real browser, checked with axe-core at each step."""

import pytest

from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.services import message_text

from .factories import DiscountFactory, ProductFactory, StockFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def shop_data(buyer_member, product, branch):
    DiscountFactory(customer=buyer_member.customer, discount_group="K10", percent="30")
    others = [
        ProductFactory(sku="300001", name="Elko stikkontakt 2-veis hvit", category=product.category),
        ProductFactory(sku="300002", name="Hager automatsikring 1P C16", category=product.category),
    ]
    for other in others:
        StockFactory(product=other, branch=branch, quantity=25)
    return {"member": buyer_member, "product": product, "others": others}


def at_phone_width(page, name):
    """Screenshot at 375 px, check nothing scrolls sideways, and go back to 1280 px."""
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"shop-{name}-375")
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, f"shop-{name}-1280")


def test_electrician_searches_orders_by_quick_order_checks_out_and_reorders(page, shop_data, smtp_sink):
    member, product = shop_data["member"], shop_data["product"]

    page.goto("/")
    assert_accessible(page, label="front page (visitor)")
    page.goto("/konto/login/")
    page.fill("input[name=login]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")
    assert_accessible(page, label="front page")
    at_phone_width(page, "home")

    # Search by EL-nummer: straight to the product page.
    page.fill("#header-q", product.el_number)
    page.press("#header-q", "Enter")
    page.wait_for_url(f"**/produkt/{product.sku}/")
    assert page.get_by_role("heading", level=1).inner_text() == product.name
    assert "10,43 kr" in page.inner_text(".product-buy-box")  # 14,90 − 30 %
    assert "eks. mva" in page.inner_text(".product-buy-box")
    assert_accessible(page, label="product page")
    at_phone_width(page, "product")

    page.fill(".product-buy-box input[name=quantity]", "25")
    page.click(".product-buy-box button:has-text('Legg i handlekurv')")
    page.wait_for_selector(".message-success")
    assert "Lagt i handlekurven: 25 m" in page.inner_text(".messages")

    # A word search list page.
    page.fill("#header-q", "stikkontakt")
    page.press("#header-q", "Enter")
    page.wait_for_selector(".product-list")
    assert_accessible(page, label="search results")
    # Adding from a list keeps the page (shop.js) and says so in a status line.
    page.fill(".product-list input[name=quantity]", "2")
    page.click(".product-list button:has-text('Legg i handlekurv')")
    page.wait_for_selector(".cart-toast-visible")
    assert "Lagt i handlekurven: 2 stk Elko stikkontakt" in page.inner_text(".cart-toast")
    assert "stikkontakt" in page.url
    at_phone_width(page, "search")

    # Quick order: three lines, one of them bad.
    page.click("nav.main-nav >> text=Hurtigbestilling")
    assert_accessible(page, label="quick order")
    page.fill("textarea[name=lines]", "300001;4\n300002;6\n1234567;2")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".quick-problems")
    problems = page.inner_text(".quick-problems")
    assert "Linje 3" in problems and "1234567" in problems
    assert "2 varelinjer er lagt i handlekurven" in page.inner_text(".messages")
    assert_accessible(page, label="quick order with problems")
    at_phone_width(page, "quick-order")

    page.click("header >> text=Handlekurv")
    page.wait_for_selector(".cart-table")
    assert page.locator(".cart-table tbody tr").count() == 3
    assert_accessible(page, label="cart")
    at_phone_width(page, "cart")

    # Checkout with pickup.
    page.click("text=Til kassen")
    page.wait_for_selector(".checkout-form")
    assert_accessible(page, label="checkout")
    page.check("input[name=delivery_method][value=henting]")
    page.fill("input[name=reference]", "Bryggen blokk A")
    at_phone_width(page, "checkout")
    page.click("button:has-text('Send bestilling')")
    page.wait_for_selector(".confirmation")
    assert "Takk for bestillingen" in page.inner_text("main")
    number = page.inner_text(".confirmation strong")
    assert_accessible(page, label="order confirmation")
    at_phone_width(page, "confirmation")

    smtp_sink.wait_for(1)
    [mail] = smtp_sink.to(member.user.email)
    assert number in mail["Subject"]
    text = message_text(mail)
    assert "Bryggen blokk A" in text and product.name in text
    # The order as a PDF rides along (ORDER_CONFIRMATION_PDF, on by default).
    assert [p.get_filename() for p in mail.walk() if p.get_content_type() == "application/pdf"] == [
        f"ordre-{number}.pdf"
    ]

    # «Mine ordre» → the order → «Bestill på nytt».
    page.goto("/")
    page.click(".user-menu summary")
    page.click("text=Mine ordre")
    page.wait_for_selector("table")
    assert number in page.inner_text("table") and "Bryggen blokk A" in page.inner_text("table")
    assert_accessible(page, label="order history")
    at_phone_width(page, "orders")
    page.click(f"a:has-text('{number}')")
    assert_accessible(page, label="order detail")
    page.click("button:has-text('Bestill på nytt')")
    page.wait_for_selector(".cart-table")
    assert page.locator(".cart-table tbody tr").count() == 3
    assert "er lagt i handlekurven" in page.inner_text(".messages")


def test_visitor_browses_categories_without_prices_and_read_only_user_is_refused_checkout(
    page, shop_data, readonly_member
):
    product = shop_data["product"]
    page.goto("/")
    page.click(".category-cards >> text=Kabel")
    page.wait_for_url("**/sortiment/kabel/")
    assert product.name in page.inner_text(".product-list")
    assert "Logg inn for å se dine priser" in page.inner_text(".product-list")
    assert page.locator(".product-list .price-amount").count() == 0
    assert_accessible(page, label="category page (visitor)")
    at_phone_width(page, "category")

    page.goto("/konto/login/")
    page.fill("input[name=login]", readonly_member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")
    page.goto(f"/produkt/{product.sku}/")
    assert "10,43 kr" in page.inner_text(".product-buy-box")  # the customer's price, read-only too
    assert page.locator("button:has-text('Legg i handlekurv')").count() == 0
    response = page.goto("/kassen/")
    assert response.status == 403
    assert_accessible(page, label="403 page")
