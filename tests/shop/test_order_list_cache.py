"""«Mine ordre» is cached as a whole page: a repeated view is served without rendering and at most
one query, yet every change to what it shows (a new order, a status, a decision, the old shop's
history, who ordered) is on the very next view, and one customer's page never shows another's."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from shop.approval import order_approve, order_reject
from shop.caching import ORDERS_VERSION_KEY, orders_version
from shop.models import Order
from tests.factories import MembershipFactory
from tests.fixtures.data import PASSWORD

from .conftest import place_order
from .factories import ProductFactory

URL = reverse("shop:orders")


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def table_of(html: str) -> str:
    """The order table (the status filter above it names every status)."""
    found = re.search(r"<table.*?</table>", html, re.S)
    return found.group(0) if found else ""


def awaiting_block(html: str) -> str:
    found = re.search(r'<section class="card awaiting".*?</section>', html, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def limited_buyer(buyer_member):
    buyer_member.order_limit = Decimal("5000.00")
    buyer_member.save(update_fields=["order_limit"])
    return buyer_member


@pytest.fixture
def big_product(category):
    return ProductFactory(sku="900001", name="Sikringsskap 72 moduler", category=category, list_price="1000.00")


@pytest.mark.parametrize("params", [{}, {"q": "bygg"}, {"status": "mottatt", "side": "1"}])
def test_a_repeated_view_is_served_without_rendering_and_at_most_one_query(
    buyer_member, product, params, django_assert_max_num_queries
):
    for i in range(30):
        place_order(buyer_member, [product], reference=f"Bygg {i}", quantity=1)
    client = logged_in(buyer_member)
    first = client.get(URL, params)
    with django_assert_max_num_queries(1):  # at most the session row (none with cached_db sessions)
        again = client.get(URL, params)
    assert again.templates == []  # nothing rendered: the page came from the cache
    masked = re.compile(rb'csrfmiddlewaretoken" value="[^"]+"')  # masked anew per request
    assert masked.sub(b"", again.content) == masked.sub(b"", first.content)
    assert "Bygg 29" in again.content.decode()


def test_a_new_order_shows_on_the_next_view(buyer_client, buyer_member, product):
    first = place_order(buyer_member, [product], reference="Hytta")
    assert first.number in page(buyer_client)
    second = place_order(buyer_member, [product], reference="Garasjen")
    html = page(buyer_client)
    assert second.number in html and "Garasjen" in html and "2 ordre" in html


def test_a_status_change_shows_on_the_next_view(buyer_client, buyer_member, product):
    order = place_order(buyer_member, [product])
    assert "Mottatt" in page(buyer_client, status="mottatt")
    order.status = Order.Status.SHIPPED  # as staff set it in the admin
    order.save(update_fields=["status"])
    assert order.number not in page(buyer_client, status="mottatt")
    assert order.number in page(buyer_client, status="sendt")
    page(buyer_client)
    order.status = Order.Status.DELIVERED
    order.save(update_fields=["status"])
    table = table_of(page(buyer_client))
    assert "Levert" in table and "Mottatt" not in table


def test_a_new_line_found_by_the_search_shows_on_the_next_view(buyer_client, buyer_member, product):
    order = place_order(buyer_member, [product])
    extra = ProductFactory(sku="777001", name="Koblingsboks")
    assert order.number not in page(buyer_client, q="777001")
    order.lines.create(
        product=extra, sku=extra.sku, name=extra.name, unit="stk", quantity=1, list_price=10, unit_price=10, line_total=10
    )
    assert order.number in page(buyer_client, q="777001")


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_decision_leaves_the_waiting_block_and_changes_the_status_at_once(
    limited_buyer, admin_member, big_product, decision
):
    order = place_order(limited_buyer, [big_product], quantity=10)  # 10 000 kr, over the limit
    admin, buyer = logged_in(admin_member), logged_in(limited_buyer)
    assert order.number in awaiting_block(page(admin))
    assert "Venter på godkjenning" in table_of(page(buyer))
    if decision == "approve":
        order_approve(order=order, decided_by=admin_member.user)
        label = "Mottatt"
    else:
        order_reject(order=order, decided_by=admin_member.user, reason="For dyrt")
        label = "Avvist"
    admin_html = page(admin)
    assert awaiting_block(admin_html) == ""
    assert order.number in admin_html
    buyer_table = table_of(page(buyer))
    assert label in buyer_table and "Venter på godkjenning" not in buyer_table


def test_approving_in_the_browser_shows_on_the_next_view_with_its_message(limited_buyer, admin_member, big_product):
    order = place_order(limited_buyer, [big_product], quantity=10)
    admin = logged_in(admin_member)
    assert order.number in awaiting_block(page(admin))
    admin.post(reverse("shop:order_approval", args=[order.pk]), {"action": "approve"})
    html = page(admin)
    assert awaiting_block(html) == ""
    assert f"Ordre {order.number} er godkjent" in html  # the message, filled in on the cached page


def test_a_new_waiting_order_shows_in_the_administrators_block_at_once(limited_buyer, admin_member, big_product):
    admin = logged_in(admin_member)
    assert awaiting_block(page(admin)) == ""
    order = place_order(limited_buyer, [big_product], quantity=10)
    assert order.number in awaiting_block(page(admin))


ORDERS = "order_number;customer_number;username;ordered_at;reference;status;total_excl_vat\n"
LINES = "order_number;line_number;sku;el_number;name;quantity;unit;unit_price\n"


def import_history(tmp_path, orders: str, lines: str) -> None:
    (tmp_path / "orders.csv").write_text(ORDERS + orders, encoding="utf-8")
    (tmp_path / "lines.csv").write_text(LINES + lines, encoding="utf-8")
    call_command(
        "import_legacy_history", str(tmp_path / "orders.csv"), str(tmp_path / "lines.csv"), stdout=StringIO()
    )


def test_the_old_shops_history_shows_on_the_next_view_after_an_import(
    tmp_path, buyer_client, buyer_member, other_member, product
):
    own = place_order(buyer_member, [product])
    number = buyer_member.customer.number
    assert own.number in page(buyer_client) and "L-7001" not in page(buyer_client)
    import_history(tmp_path, f"L-7001;{number};lysverket;2025-03-14;Hytta Geilo;Levert;1234,50\n", "")
    html = page(buyer_client)
    assert "L-7001" in html and "Hytta Geilo" in html and "2 ordre" in html
    # A line of an order loaded earlier (its order row not in this file) is found by the search next time.
    assert "L-7001" not in page(buyer_client, q="dimmer")
    import_history(tmp_path, "", "L-7001;1;ABC-1;;Dimmer 400 W;1;stk;450,00\n")
    assert "L-7001" in page(buyer_client, q="dimmer")
    # A changed reference, and an order moved to another customer, leave this customer's page.
    import_history(tmp_path, f"L-7001;{number};lysverket;2025-03-14;Hytta Hemsedal;Levert;1234,50\n", "")
    assert "Hytta Hemsedal" in page(buyer_client)
    other = logged_in(other_member)
    assert "L-7001" not in page(other)
    import_history(
        tmp_path, f"L-7001;{other_member.customer.number};lysverket;2025-03-14;Hytta Hemsedal;Levert;1234,50\n", ""
    )
    assert "L-7001" not in page(buyer_client)
    assert "L-7001" in page(other)


def test_another_customers_orders_never_appear(buyer_member, other_member, product):
    mine = place_order(buyer_member, [product], reference="Min ordre")
    client, other = logged_in(buyer_member), logged_in(other_member)
    for _ in range(2):  # the second round is served from the cache
        theirs = place_order(other_member, [product], reference="Naboens ordre")
        mine_html, their_html = page(client), page(other)
        assert mine.number in mine_html and theirs.number not in mine_html and "Naboens" not in mine_html
        assert theirs.number in their_html and mine.number not in their_html and "Min ordre" not in their_html


def test_a_colleague_sees_their_own_page_with_their_own_waiting_block(limited_buyer, admin_member, big_product):
    order = place_order(limited_buyer, [big_product], quantity=10)
    admin, buyer = logged_in(admin_member), logged_in(limited_buyer)
    for _ in range(2):
        assert order.number in awaiting_block(page(admin))
        assert awaiting_block(page(buyer)) == ""  # a buyer decides nothing


def test_who_ordered_follows_new_colleagues_and_new_names(buyer_client, buyer_member, product):
    place_order(buyer_member, [product])
    assert "Kari Nyansatt" not in page(buyer_client)
    colleague = MembershipFactory(
        customer=buyer_member.customer, role=Role.BUYER, user__name="Kari Nyansatt", user__password=PASSWORD
    )
    assert "Kari Nyansatt" in page(buyer_client)  # a choice of «Bestilt av»
    colleagues_view = logged_in(colleague)
    assert buyer_member.user.name in table_of(page(colleagues_view))
    buyer_member.user.name = "Ola Omdøpt"
    buyer_member.user.save(update_fields=["name"])
    assert "Ola Omdøpt" in table_of(page(colleagues_view))  # the «Bestilt av» column of a colleague


def test_the_export_links_of_a_cached_page_keep_the_search(buyer_client, buyer_member, product):
    for i in range(3):
        place_order(buyer_member, [product], reference=f"Skole {i}")
    place_order(buyer_member, [product], reference="Barnehage")
    for _ in range(2):  # the second from the cache
        html = page(buyer_client, q="skole")
        link = re.search(r'href="([^"]*eksport\.csv[^"]*)"', html).group(1).replace("&amp;", "&")
        assert link == reverse("shop:orders_csv") + "?q=skole"
    csv = b"".join(buyer_client.get(link).streaming_content).decode()
    assert "Skole 0" in csv and "Barnehage" not in csv


def test_a_warm_view_costs_no_query_but_the_session(buyer_member, product):
    """The number behind the budget above: with the session read out, nothing is asked of the database."""
    for i in range(5):
        place_order(buyer_member, [product], reference=f"Bygg {i}")
    client = logged_in(buyer_member)
    page(client)
    with CaptureQueriesContext(connection) as queries:
        page(client)
    assert [q["sql"] for q in queries if "django_session" not in q["sql"]] == []


@pytest.mark.django_db(transaction=True)
def test_the_orders_version_moves_again_on_commit_so_a_page_cached_meanwhile_is_orphaned(buyer_member, product):
    key = ORDERS_VERSION_KEY.format(buyer_member.customer_id)
    before = orders_version(buyer_member.customer_id)
    with transaction.atomic():
        place_order(buyer_member, [product])
        # What another process, still reading the rows without the new order, would key its page by:
        during = cache.get(key)
        assert during != before
    assert cache.get(key) not in (before, during)
