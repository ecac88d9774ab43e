"""The front page's «Populære varer»: counted by a periodic task, so no visitor waits for the count."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.caching import catalogue_changed, forget_local
from shop.tasks import popular_refresh

from .conftest import place_order
from .factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_refresh_task_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["shop-popular-refresh"]
    assert entry["task"] == "shop.tasks.popular_refresh" and entry["schedule"] <= 15 * 60


def test_after_the_refresh_a_cold_front_page_does_not_count_the_order_lines(buyer_member, product, category):
    other = ProductFactory(sku="100002", name="Skjøteboks hvit", category=category)
    place_order(buyer_member, [product, other])
    assert popular_refresh() == 2
    catalogue_changed()  # every cached page and fragment is gone: a cold front page
    forget_local()
    with CaptureQueriesContext(connection) as ctx:
        html = Client().get(reverse("shop:home")).content.decode()
    assert "Populære varer" in html and "Skjøteboks hvit" in html
    assert not [q for q in ctx.captured_queries if "shop_orderline" in q["sql"]], "the page counted order lines"


def test_a_new_best_seller_shows_after_the_next_refresh(buyer_member, product, category):
    place_order(buyer_member, [product])
    popular_refresh()
    newcomer = ProductFactory(sku="100003", name="Koblingsklemme Wago", category=category)
    place_order(buyer_member, [newcomer])
    place_order(buyer_member, [newcomer])
    popular_refresh()
    catalogue_changed()
    html = Client().get(reverse("shop:home")).content.decode()
    assert html.index("Koblingsklemme Wago") < html.index("Nexans PFSP")
