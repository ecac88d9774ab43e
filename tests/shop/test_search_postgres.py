"""Search on PostgreSQL: full-text in Norwegian plus trigram similarity for typos."""

import pytest
from django.db import connection
from django.urls import reverse

from shop.models import Product

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _needs_postgres(db):
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL=postgres://… (marked postgres)")


@pytest.fixture
def catalogue(db):
    cable = CategoryFactory(name="Kabel", slug="kabel")
    lights = CategoryFactory(name="Belysning", slug="belysning")
    return {
        "cable": ProductFactory(name="Nexans PFSP 3G1,5 mm² kabel", category=cable, manufacturer="Nexans"),
        "ground": ProductFactory(name="TFXP 4x16 jordkabel", category=cable, manufacturer="Draka"),
        "socket": ProductFactory(name="Stikkontakt 2-veis hvit", category=lights, manufacturer="Elko"),
        "bulb": ProductFactory(name="LED-pære E27 806 lm", category=lights, manufacturer="Philips"),
        "rcd": ProductFactory(name="Jordfeilbryter 2P 40A 30mA", category=lights, manufacturer="Hager"),
    }


def names(qs):
    return {p.name for p in qs}


def test_typo_kabl_finds_kabel(catalogue):
    found = names(Product.objects.active().search("kabl"))
    assert catalogue["cable"].name in found and catalogue["ground"].name in found
    assert catalogue["socket"].name not in found


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("stikkontak", "socket"),
        ("jordfeilbrytr", "rcd"),
        ("pære", "bulb"),
        ("PÆRER", "bulb"),
        ("3g1,5", "cable"),
    ],
)
def test_typos_inflections_and_numbers_are_found(catalogue, query, key):
    assert catalogue[key].name in names(Product.objects.active().search(query))


def test_compound_words_are_found_inside_words(catalogue):
    assert catalogue["ground"].name in names(Product.objects.active().search("kabel"))


def test_best_match_comes_first(client, catalogue):
    response = client.get(reverse("shop:search"), {"q": "jordfeilbryter"})
    assert response.context["products"][0].name == catalogue["rcd"].name


def test_search_uses_the_trigram_and_full_text_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'shop_product'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"shop_product_search_fts", "shop_product_search_trgm"} <= indexes


def test_word_search_is_served_by_the_gin_indexes(catalogue):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Product.objects.active().search("kabl").explain()
    assert "shop_product_search_fts" in plan and "shop_product_search_trgm" in plan


@pytest.mark.parametrize("query", ["'; DROP TABLE x; --", "kabel & !", "\x00", "ø" * 300, "(((", "<b>"])
def test_hostile_queries_on_postgres_give_a_page(client, catalogue, query):
    assert client.get(reverse("shop:search"), {"q": query}).status_code == 200
