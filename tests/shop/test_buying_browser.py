"""Buying in a company in a real browser: approval with a real worker and SMTP server, a member
without price rights, and a shared order list made by one colleague and ordered by another."""

import re
from decimal import Decimal

import pytest

from shop.models import Order
from tests.factories import MembershipFactory
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.services import message_text

from .factories import DiscountFactory, ProductFactory, StockFactory

pytestmark = [pytest.mark.browser]

# Amounts only this test's prices make: list 1 234,56; the customer's 20 % → 987,65.
AMOUNTS = re.compile(r"1\s?234,56|987,65|\d+,\d\d\s?kr")


def log_in(browser, live_server, member):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="nb-NO", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/konto/login/")
    page.fill("input[name=login]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")
    return page


def shoot(page, name):
    """Screenshots at 1280 and 375 px; nothing may scroll sideways on the phone."""
    screenshot(page, f"buying-{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"buying-{name}-375")
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def checkout_pickup(page):
    page.goto("/kassen/")
    page.check("input[name=delivery_method][value=henting]")
    page.fill("input[name=reference]", "Blokk C")
    page.click("button:has-text('Send bestilling')")


@pytest.fixture
def cast(customer, branch, category):
    buyer = MembershipFactory(
        customer=customer, role="innkjoper", order_limit=Decimal("5000"), user__password=PASSWORD,
        user__name="Lars Lærling",
    )
    admin = MembershipFactory(customer=customer, role="administrator", user__password=PASSWORD, user__name="Anne Admin")
    product = ProductFactory(sku="880001", name="Varmekabel 20 W/m 50 m", category=category, list_price="1000.00")
    StockFactory(product=product, branch=branch, quantity=40)
    return {"buyer": buyer, "admin": admin, "product": product}


@pytest.mark.worker
@pytest.mark.postgres
def test_order_over_the_limit_waits_then_the_administrator_approves_and_both_emails_arrive(
    browser, live_server, celery_worker, smtp_sink, settings, cast
):
    settings.SHOP_URL = live_server.url
    buyer, admin, product = cast["buyer"], cast["admin"], cast["product"]

    shop = log_in(browser, live_server, buyer)
    shop.goto(f"/produkt/{product.sku}/")
    shop.fill(".product-buy-box input[name=quantity]", "10")  # 10 × 1 000 kr = 10 000 kr > 5 000 kr
    shop.click(".product-buy-box button:has-text('Legg i handlekurv')")
    shop.wait_for_selector(".message-success")
    checkout_pickup(shop)
    shop.get_by_role("heading", name="Ordren venter på godkjenning").wait_for()
    assert_accessible(shop, label="pending confirmation")
    shoot(shop, "pending-confirmation")
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING
    shop.goto("/ordre/")
    assert "Venter på godkjenning" in shop.inner_text("main")
    shoot(shop, "orders-pending")

    [request] = smtp_sink.wait_for(1)
    assert request["To"] == admin.user.email and order.number in request["Subject"]
    link = re.search(r"http\S+/godkjenning/", message_text(request)).group()

    office = log_in(browser, live_server, admin)
    office.goto(link)
    office.get_by_role("heading", name=re.compile("venter på godkjenning")).wait_for()
    assert "10\xa0000,00 kr" in office.inner_text("main") and "Lars Lærling" in office.inner_text("main")
    assert_accessible(office, label="approval page")
    shoot(office, "approval")
    office.click("button:has-text('Godkjenn')")
    office.wait_for_selector(".message-success")
    assert "er godkjent" in office.inner_text(".messages")

    confirmation = smtp_sink.wait_for(2)[1]
    assert confirmation["To"] == buyer.user.email and "Ordrebekreftelse" in confirmation["Subject"]
    assert "10\xa0000,00" in message_text(confirmation) or "10 000,00" in message_text(confirmation)
    order.refresh_from_db()
    assert order.status == Order.Status.RECEIVED and order.decided_by == admin.user


@pytest.mark.worker
@pytest.mark.postgres
def test_a_rejected_order_tells_the_buyer_why_and_the_cart_comes_back(
    browser, live_server, celery_worker, smtp_sink, settings, cast
):
    settings.SHOP_URL = live_server.url
    buyer, admin, product = cast["buyer"], cast["admin"], cast["product"]
    shop = log_in(browser, live_server, buyer)
    shop.goto(f"/produkt/{product.sku}/")
    shop.fill(".product-buy-box input[name=quantity]", "8")
    shop.click(".product-buy-box button:has-text('Legg i handlekurv')")
    shop.wait_for_selector(".message-success")
    checkout_pickup(shop)
    shop.get_by_role("heading", name="Ordren venter på godkjenning").wait_for()
    smtp_sink.wait_for(1)
    order = Order.objects.get()

    office = log_in(browser, live_server, admin)
    office.goto("/ordre/")
    office.click(f".awaiting a:has-text('{order.number}')")
    office.click("button:has-text('Avvis')")  # no reason: told next to the field
    office.wait_for_selector("#id_reason_error")
    assert "Skriv en begrunnelse" in office.inner_text("#id_reason_error")
    assert_accessible(office, label="approval page with error")
    office.fill("#id_reason", "Ta 4 nå og 4 i neste uke.")
    office.click("button:has-text('Avvis')")
    office.wait_for_selector(".message-success")

    rejection = smtp_sink.wait_for(2)[1]
    assert rejection["To"] == buyer.user.email and "avvist" in rejection["Subject"]
    text = message_text(rejection)
    assert "Ta 4 nå og 4 i neste uke." in text
    shop.goto(re.search(r"http\S+/ordre/\d+/", text).group())
    assert "Avvist" in shop.inner_text("main") and "Ta 4 nå" in shop.inner_text("main")
    shoot(shop, "order-rejected")
    shop.click("button:has-text('Legg varene i handlekurven igjen')")
    shop.wait_for_url("**/handlekurv/")
    assert product.name in shop.inner_text("main")
    assert shop.input_value(".cart-table input[name=quantity]") == "8"


@pytest.mark.worker
@pytest.mark.postgres
def test_a_member_without_price_rights_sees_no_price_on_any_page_and_in_no_email(
    browser, live_server, celery_worker, smtp_sink, settings, customer, branch, category, admin_member
):
    settings.SHOP_URL = live_server.url
    product = ProductFactory(sku="880100", name="Stikkontakt jordet", category=category, list_price="1234.56")
    StockFactory(product=product, branch=branch, quantity=5)
    DiscountFactory(customer=customer, discount_group=product.discount_group, percent="20")
    blind = MembershipFactory(customer=customer, role="innkjoper", can_see_prices=False, user__password=PASSWORD)

    # A colleague with price rights warms every cached page first.
    colleague = log_in(browser, live_server, admin_member)
    for url in ["/", "/sortiment/", f"/sortiment/{category.slug}/", "/sok/?q=stikkontakt", f"/produkt/{product.sku}/"]:
        colleague.goto(url)
    assert "987,65" in colleague.inner_text("main")

    page = log_in(browser, live_server, blind)
    page.goto(f"/produkt/{product.sku}/")
    page.fill(".product-buy-box input[name=quantity]", "3")
    page.click(".product-buy-box button:has-text('Legg i handlekurv')")
    page.wait_for_selector(".message-success")
    pages = ["/", "/sortiment/", f"/sortiment/{category.slug}/", "/sok/?q=stikkontakt", f"/produkt/{product.sku}/",
             "/handlekurv/", "/hurtigbestilling/", "/kassen/"]
    for url in pages:
        page.goto(url)
        main = page.inner_text("main")
        assert not AMOUNTS.search(main), f"{url}: {AMOUNTS.search(main).group()}"
        assert "Vis priser inkl. mva" not in page.inner_text("header")
    shoot(page, "no-prices-checkout")
    checkout_pickup(page)
    page.get_by_role("heading", name="Takk for bestillingen!").wait_for()
    order = Order.objects.get()
    for url in ["/ordre/", f"/ordre/{order.pk}/"]:
        page.goto(url)
        assert not AMOUNTS.search(page.inner_text("main")), url
    shoot(page, "no-prices-order")
    [mail] = smtp_sink.wait_for(1)
    assert mail["To"] == blind.user.email
    assert product.name in message_text(mail)
    assert not AMOUNTS.search(message_text(mail)) and "Sum" not in message_text(mail)
    html_part = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    html_part = html_part.get_payload(decode=True).decode(html_part.get_content_charset() or "utf-8")
    assert not AMOUNTS.search(html_part)
    assert order.total_excl_vat == Decimal("2962.95")  # priced as always: 3 × 987,65


def test_a_shared_list_made_by_one_colleague_is_ordered_by_another(browser, live_server, customer, branch, category):
    maker = MembershipFactory(customer=customer, role="innkjoper", user__password=PASSWORD, user__name="Siri Snekker")
    orderer = MembershipFactory(customer=customer, role="innkjoper", user__password=PASSWORD)
    products = [
        ProductFactory(sku="881001", name="Rørboks 1-modul", category=category),
        ProductFactory(sku="881002", name="Flexrør 20 mm", category=category),
        ProductFactory(sku="881003", name="Utgått dimmer", category=category),
    ]
    for product in products:
        StockFactory(product=product, branch=branch, quantity=100)

    page = log_in(browser, live_server, maker)
    page.goto("/bestillingslister/")
    assert_accessible(page, label="order lists, empty")
    page.fill("#id_name", "Leilighet standard")
    page.check("#id_is_shared")
    page.click("button:has-text('Lag listen')")
    page.get_by_role("heading", name="Leilighet standard").wait_for()
    # Add from a product page: the list is chosen on the next page.
    page.goto("/produkt/881001/")
    page.click(".product-buy-box .list-add-form button")
    page.get_by_role("heading", name="Legg i bestillingsliste").wait_for()
    assert_accessible(page, label="choose a list")
    shoot(page, "list-add")
    page.fill("#id_quantity", "12")
    page.click("button:has-text('Legg i listen')")
    page.wait_for_url("**/produkt/881001/")
    assert "Lagt i bestillingslisten «Leilighet standard»: 12" in page.inner_text(".messages")
    # The rest by import.
    page.goto("/bestillingslister/")
    page.click("a:has-text('Leilighet standard')")
    page.click("a:has-text('Importer varer')")
    assert_accessible(page, label="list import")
    shoot(page, "list-import")
    page.fill("textarea[name=lines]", "881002;30\n881003;2\n999999;1")
    page.click("button:has-text('Importer')")
    page.wait_for_selector(".quick-problems")
    assert "999999" in page.inner_text(".quick-problems")
    page.click("a:has-text('Leilighet standard')")
    assert_accessible(page, label="list detail")
    shoot(page, "list-detail")

    from shop.models import Product

    Product.objects.filter(sku="881003").update(is_active=False)
    other = log_in(browser, live_server, orderer)
    other.goto("/bestillingslister/")
    assert "Siri Snekker" in other.inner_text("main")
    shoot(other, "lists")
    other.click("a:has-text('Leilighet standard')")
    assert "bare den som laget den" in other.inner_text("main")
    assert other.locator("input.qty").count() == 0  # cannot change a colleague's shared list
    other.click("button:has-text('Legg alt i handlekurven')")
    other.wait_for_url("**/handlekurv/")
    messages = other.inner_text(".messages")
    assert "2 varelinjer fra «Leilighet standard»" in messages and "881003 Utgått dimmer" in messages
    cart = other.inner_text(".cart-table")
    assert "Rørboks 1-modul" in cart and "Flexrør 20 mm" in cart and "Utgått dimmer" not in cart
    shoot(other, "cart-from-list")


def test_administrator_sets_the_order_limit_and_price_right_in_brukere(browser, live_server, admin_member, buyer_member):
    page = log_in(browser, live_server, admin_member)
    page.goto("/konto/brukere/")
    page.click(f"a[href='/konto/brukere/{buyer_member.pk}/']")
    page.get_by_role("heading", name="Innkjøp").wait_for()
    page.fill("#id_order_limit", "fem tusen")
    page.click("button:has-text('Lagre innkjøpsrettigheter')")
    page.wait_for_selector("#id_order_limit_error")
    assert "Skriv et beløp i kroner" in page.inner_text("#id_order_limit_error")
    assert_accessible(page, label="membership detail with a bad limit")
    page.fill("#id_order_limit", "5 000")
    page.uncheck("#id_can_see_prices")
    page.click("button:has-text('Lagre innkjøpsrettigheter')")
    page.wait_for_selector(".message-success")
    shoot(page, "membership-buying")
    buyer_member.refresh_from_db()
    assert buyer_member.order_limit == Decimal("5000") and not buyer_member.can_see_prices
    page.goto("/konto/brukere/")
    assert "5\xa0000,00 kr" in page.inner_text("main") and "Ser ikke priser" in page.inner_text("main")
    assert_accessible(page, label="users with limits")
    shoot(page, "users")
