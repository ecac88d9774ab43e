"""The whole page cached per user (shop.caching.cached_page): what a person would notice if it were wrong.

Each browser gets a CSRF token for its own session in a page that came from the cache, a flash message
shows once on the page after the action, visitors and customers never share a page, colleagues never see
each other's name, and a warm page costs no SQL query (the cart one: is there a cart). The cache is the
real one (local memory here, Redis in the PostgreSQL run); sessions are cached_db, as in production.
"""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from shop.models import CartLine
from tests.factories import CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import SecondFactorClient

from .conftest import place_order

pytestmark = pytest.mark.django_db

LIST = "/sortiment/kabel/"
BUY = "Legg i handlekurv"
PRICE = "14,90 kr"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    settings.SESSION_ENGINE = "accounts.sessions"  # the production default
    if settings.REDIS_URL:
        from core.cache import RedisCache

        assert isinstance(caches["default"], RedisCache), "REDIS_URL is set but the cache is not Redis"


def browser(user, **kwargs) -> SecondFactorClient:
    client = SecondFactorClient(**kwargs)
    client.force_login(user)
    return client


def pages(product):
    return {
        "list": LIST,
        "search": reverse("shop:search") + "?q=installasjonskabel",
        "product": reverse("shop:product", args=[product.sku]),
        "home": reverse("shop:home"),
        "cart": reverse("shop:cart"),
    }


def queries(client, path) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured.captured_queries), response.content.decode()


def header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def kari(customer):
    return MembershipFactory(customer=customer, role=Role.BUYER, user__name="Kari Nordmann", user__password=PASSWORD)


@pytest.fixture
def ola(customer):
    return MembershipFactory(customer=customer, role=Role.BUYER, user__name="Ola Hansen", user__password=PASSWORD)


# --- CSRF: each browser its own token ----------------------------------------------------------------


# What a warm page costs: nothing, but for the cart (is there one, and when did it change). The front
# page's latest orders are keyed by the customer's orders version, and whether a one-word search is a
# product number is cached per catalogue version.
WARM_QUERIES = {"list": 0, "search": 0, "product": 0, "home": 0, "cart": 1}


@pytest.mark.parametrize("page", ["list", "search", "product", "home", "cart"])
def test_two_browsers_of_one_user_each_get_a_token_for_their_own_session(page, ola, product):
    path = pages(product)[page]
    place_order(ola, [product])  # the front page lists the product, the cart page has a form
    # Both log in first (each login moves the user's version), then the laptop looks: the phone
    # gets the page the laptop's request cached.
    laptop, phone = browser(ola.user, enforce_csrf_checks=True), browser(ola.user, enforce_csrf_checks=True)
    laptop_html = laptop.get(path).content.decode()
    count, phone_html = queries(phone, path)
    assert count == WARM_QUERIES[page], "the phone's page was not the cached one"
    assert "<csrf-token>" not in phone_html
    [laptop_token, phone_token] = [TOKEN.search(html).group(1) for html in (laptop_html, phone_html)]

    add = {"product": product.pk, "quantity": 3, "next": path}
    # The laptop's token is no good in the phone's session: the page did not hand it on.
    assert phone.post(reverse("shop:cart_add"), {**add, "csrfmiddlewaretoken": laptop_token}).status_code == 403
    assert phone.post(reverse("shop:cart_add"), {**add, "csrfmiddlewaretoken": phone_token}).status_code == 302
    assert laptop.post(reverse("shop:cart_add"), {**add, "csrfmiddlewaretoken": laptop_token}).status_code == 302
    assert CartLine.objects.get(cart__user=ola.user, cart__status="open", product=product).quantity == 6


# --- Flash messages: once, on the next page, even from the cache ---------------------------------------


def test_a_flash_message_shows_once_on_a_cached_page_and_not_again(ola, product):
    laptop, phone = browser(ola.user), browser(ola.user)
    laptop.get(LIST)
    phone.get(LIST)
    response = laptop.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 3, "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST

    with CaptureQueriesContext(connection) as captured:
        html = laptop.get(LIST).content.decode()
    # The page came from the cache: no query but the session's, which gives up the message it held.
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 1 and sql[0].startswith('UPDATE "django_session"'), sql
    message = f"Lagt i handlekurven: 3 m {product.name}."
    assert main(html).count(message) == 1
    assert message not in phone.get(LIST).content.decode()  # the other browser's session has none
    assert message not in laptop.get(LIST).content.decode()  # shown once


def test_a_flash_message_on_the_cart_page_shows_once(ola, product):
    client = browser(ola.user)
    client.get(reverse("shop:cart"))
    client.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 2, "next": reverse("shop:cart")})
    html = client.get(reverse("shop:cart")).content.decode()
    assert main(html).count("Lagt i handlekurven: 2 m") == 1 and product.name in main(html)
    html = client.get(reverse("shop:cart")).content.decode()
    assert "Lagt i handlekurven" not in html and product.name in main(html)


# --- Who sees which page -----------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["visitor", "customer"])
@pytest.mark.parametrize("page", ["list", "search", "product", "home"])
def test_a_visitor_and_a_logged_in_customer_never_share_a_cached_page(first, page, ola, product):
    path = pages(product)[page]
    place_order(ola, [product])
    customer, visitor = browser(ola.user), SecondFactorClient()
    order = [visitor, customer] if first == "visitor" else [customer, visitor]
    for _ in range(2):
        for client in order:
            html = client.get(path).content.decode()
            if client is visitor:
                assert "Ola" not in header(html) and BUY not in html and PRICE not in html
                assert "Logg inn" in header(html)
            else:
                assert "Ola" in header(html) and ola.customer.name in header(html)
                assert BUY in html and PRICE in html
    customer.post(reverse("account_logout"))
    html = customer.get(path).content.decode()
    assert "Ola" not in header(html) and BUY not in html and "Logg inn" in header(html)


def test_the_logged_out_message_shows_once_on_the_visitors_cached_front_page(ola, product):
    SecondFactorClient().get("/")  # a visitor has the front page cached already
    client = browser(ola.user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert main(html).count("Du er logget ut.") == 1 and "Ola" not in header(html)
    assert "Du er logget ut." not in client.get("/").content.decode()


@pytest.mark.parametrize("page", ["list", "search", "product", "home", "cart"])
def test_two_colleagues_of_one_customer_never_see_each_others_name(page, kari, ola, product):
    """Same customer, branch, role and rights: only who is logged in tells their pages apart."""
    path = pages(product)[page]
    place_order(kari, [product])
    karis, olas = browser(kari.user), browser(ola.user)
    for _ in range(2):
        kari_html, ola_html = karis.get(path).content.decode(), olas.get(path).content.decode()
        assert "Kari" in header(kari_html) and "Ola" not in kari_html
        assert "Ola" in header(ola_html) and "Kari" not in ola_html


def test_switching_customer_shows_the_other_customer_on_the_next_cached_page(ola, product, branch):
    other = MembershipFactory(user=ola.user, customer=CustomerFactory(branch=branch, name="Andre Elektro AS"))
    client = browser(ola.user)
    client.get(LIST)
    assert ola.customer.name in header(client.get(LIST).content.decode())
    client.post(reverse("accounts:switch_customer"), {"customer": other.customer.pk, "next": LIST})
    html = client.get(LIST).content.decode()
    assert "Du handler nå for" in main(html) and f"{other.customer.number} Andre Elektro AS" in header(html)
    html = client.get(LIST).content.decode()
    assert f"{other.customer.number} Andre Elektro AS" in header(html)


# --- What a warm page costs --------------------------------------------------------------------------


def test_a_warm_list_page_costs_no_query_and_the_cart_one(ola, product, django_assert_num_queries):
    client = browser(ola.user)
    client.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 2})
    for path in (LIST, reverse("shop:cart")):
        client.get(path)
    with django_assert_num_queries(0):
        assert client.get(LIST).status_code == 200
    with django_assert_num_queries(1):  # which cart is open: its lines' change moves the page
        html = client.get(reverse("shop:cart")).content.decode()
    assert product.name in main(html)


def test_a_page_after_a_user_write_is_rebuilt_then_warm_again(ola, product):
    client = browser(ola.user)
    cart = reverse("shop:cart")
    client.post(reverse("shop:cart_add"), {"product": product.pk, "quantity": 2})
    for path in (LIST, cart):
        client.get(path)
        client.get(path)
    assert queries(client, LIST)[0] == 0

    client.post(reverse("accounts:profile"), {"name": "Åsmund Berg", "phone": ""})  # a write to the user

    cold, html = queries(client, LIST)
    assert cold > 0, "the page after a write to the user is built anew"
    assert "Åsmund" in header(html) and "Ola" not in html and BUY in html and PRICE in html
    warm, again = queries(client, LIST)
    assert warm == 0 and TOKEN.sub("", header(again)) == TOKEN.sub("", header(html))

    # The cart page is rendered anew for the new name (its body, shared by the cart's viewers, is not).
    count, html = queries(client, cart)
    assert count == 1 and "Åsmund" in header(html) and "Ola" not in html and product.name in main(html)
