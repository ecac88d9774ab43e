"""History carried over, in a browser: import → move → activate → «Mine ordre» → «Bestill på nytt»
→ the favourites list. Live server, a real Celery worker and an SMTP sink."""

import re

import pytest
from django.core.management import call_command

from accounts.models import Branch, Customer
from migration.services import customer_flag_for_move
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.services import message_text
from tests.shop.factories import ProductFactory

from .conftest import default_deadline, sha1_hash

NEW_PASSWORD = "en lang og god setning 2026"


def shoot(page, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    assert not has_horizontal_scroll(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
@pytest.mark.worker
def test_history_follows_the_user_who_moves(page, live_server, celery_worker, smtp_sink, settings, tmp_path):
    settings.SHOP_URL = live_server.url
    Branch.objects.create(code="OSL", name="Oslo", email="oslo@grossist.example")
    ProductFactory(sku="KAB-315", el_number="1000315", name="Installasjonskabel PFSP 3G1,5")
    ProductFactory(sku="BOKS-9", el_number="4300009", name="Koblingsboks i dag")
    files = {
        "customers.csv": "customer_number;name;branch_code;org_number;email;phone\n"
        "40001;Strømlinje AS;OSL;;post@stromlinje.example;\n",
        "accounts.csv": "username;customer_number;name;email;phone;password_hash;is_main_user;is_active\n"
        f"stromsjef;40001;Siv Strøm;siv@stromlinje.example;912 34 567;{sha1_hash('gammelt-passord')};1;1\n",
        "orders.csv": "order_number;customer_number;username;ordered_at;reference;status;total_excl_vat\n"
        "G-77001;40001;stromsjef;14.03.2025;Hytta Geilo;Levert;1 480,00\n",
        "lines.csv": "order_number;line_number;sku;el_number;name;quantity;unit;unit_price\n"
        "G-77001;1;KAB-315;1000315;Kabel PFSP 3G1,5;100;m;9,80\n"
        "G-77001;2;UTGATT-1;;Dimmer Elko 2012;2;stk;250,00\n",
        "favourites.csv": "username;customer_number;sku;el_number;quantity\n"
        "stromsjef;40001;;4300009;10\n"
        "stromsjef;40001;KAB-315;;100\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = {name: str(tmp_path / name) for name in files}
    call_command("import_legacy", path["customers.csv"], path["accounts.csv"], "--jobs", "1", verbosity=0)
    call_command(
        "import_legacy_history", path["orders.csv"], path["lines.csv"], path["favourites.csv"], verbosity=0
    )
    customer_flag_for_move(customer=Customer.objects.get(number="40001"), deadline=default_deadline(), actor=None)

    # The legacy user moves and activates.
    page.goto("/flytt/")
    page.fill("#id_username", "stromsjef")
    page.fill("#id_password", "gammelt-passord")
    page.click("main form button[type=submit]")
    page.get_by_role("button", name="Flytt meg til ny nettbutikk").click()
    page.get_by_role("heading", name="Sjekk e-posten din").wait_for()
    activation = next(m for m in smtp_sink.wait_for(2) if "/flytt/aktiver/" in message_text(m))
    page.goto(re.search(r"https?://\S+/flytt/aktiver/\S+", message_text(activation)).group(0))
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.get_by_role("button", name="Lagre passord og logg inn").click()
    page.get_by_text("Velkommen til den nye nettbutikken").wait_for()

    # «Mine ordre» shows the old shop's order, marked.
    page.goto("/ordre/")
    row = page.get_by_role("row", name=re.compile("G-77001"))
    assert "Fra dagens nettbutikk" in row.inner_text() and "Hytta Geilo" in row.inner_text()
    assert_accessible(page, label="Mine ordre with legacy orders")
    shoot(page, "history-mine-ordre")
    page.fill("#id_q", "dimmer")
    page.get_by_role("search", name="Søk i ordre").get_by_role("button", name="Søk").click()
    page.get_by_role("link", name="G-77001").click()
    page.get_by_role("heading", name=re.compile("Ordre G-77001")).wait_for()
    assert "Dimmer Elko 2012" in page.content()
    assert_accessible(page, label="legacy order page")
    shoot(page, "history-legacy-order")

    # «Bestill på nytt» fills the cart and names the line that no longer exists.
    page.get_by_role("button", name="Bestill på nytt").click()
    page.wait_for_url("**/handlekurv/**")
    text = page.content()
    assert "Installasjonskabel PFSP 3G1,5" in text
    assert "ble ikke lagt til: UTGATT-1 Dimmer Elko 2012" in text
    shoot(page, "history-reorder-cart")

    # The favourites are the user's order list.
    page.goto("/bestillingslister/")
    page.get_by_role("link", name="Favoritter fra dagens nettbutikk").click()
    assert "Koblingsboks i dag" in page.content() and "Installasjonskabel PFSP 3G1,5" in page.content()
    shoot(page, "history-favourites-list")
