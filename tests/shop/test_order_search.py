"""«Mine ordre»: search by number, «Deres referanse», product, date, orderer and status; paginated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.models import Order
from tests.factories import MembershipFactory

from .conftest import place_order
from .factories import ProductFactory


def _numbers(response) -> list[str]:
    return [o.number for o in response.context["orders"]]


@pytest.fixture
def history(buyer_member, product):
    colleague = MembershipFactory(customer=buyer_member.customer, role="innkjoper", user__name="Kari Kollega")
    breaker = ProductFactory(sku="ACC-3001", el_number="1630552", name="Hager jordfeilbryter 2P 40A")
    school = place_order(buyer_member, [product], reference="Skole 3B")
    house = place_order(colleague, [breaker], reference="Bolig 14")
    old = place_order(buyer_member, [breaker], reference="PO-2211")
    Order.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=200), status=Order.Status.DELIVERED
    )
    return {"school": school, "house": house, "old": old, "colleague": colleague}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "skole 3b"}, ["school"]),
        ({"q": "  Skole   3B "}, ["school"]),
        ({"q": "ACC-3001"}, ["house", "old"]),
        ({"q": "1630552"}, ["house", "old"]),
        ({"q": "jordfeil"}, ["house", "old"]),
        ({"q": "installasjonskabel"}, ["school"]),
        ({"status": "levert"}, ["old"]),
        ({"q": "finnes ikke"}, []),
    ],
)
def test_search_and_filters_find_the_orders(buyer_client, history, params, expected):
    response = buyer_client.get(reverse("shop:orders"), params)
    assert response.status_code == 200
    assert _numbers(response) == [history[name].number for name in expected]


def test_search_by_order_number_and_by_orderer(buyer_client, history):
    response = buyer_client.get(reverse("shop:orders"), {"q": history["house"].number})
    assert _numbers(response) == [history["house"].number]
    response = buyer_client.get(reverse("shop:orders"), {"bestilt_av": history["colleague"].user.pk})
    assert _numbers(response) == [history["house"].number]
    assert "Kari Kollega" in response.content.decode()


def test_date_range_includes_both_days(buyer_client, history):
    today = timezone.localdate()
    response = buyer_client.get(reverse("shop:orders"), {"fra": today.isoformat(), "til": today.isoformat()})
    assert _numbers(response) == [history["house"].number, history["school"].number]
    old_day = timezone.localtime(Order.objects.get(pk=history["old"].pk).created_at).date()
    response = buyer_client.get(reverse("shop:orders"), {"til": old_day.strftime("%d.%m.%Y")})
    assert _numbers(response) == [history["old"].number]


def test_bad_filters_get_a_message_next_to_the_field_and_the_rest_still_applies(buyer_client, history):
    response = buyer_client.get(
        reverse("shop:orders"), {"fra": "31.02.2025", "status": "tull", "bestilt_av": "x", "q": "skole"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["fra"] == ["Skriv en gyldig dato, for eksempel 14.03.2025."]
    assert form.errors["status"] == ["Velg et av valgene i listen."]
    assert "bestilt_av" in form.errors
    assert _numbers(response) == [history["school"].number]
    assert "Skriv en gyldig dato" in response.content.decode()

    today = timezone.localdate()
    response = buyer_client.get(
        reverse("shop:orders"), {"fra": today.isoformat(), "til": (today - timedelta(days=3)).isoformat()}
    )
    assert "Til-datoen må være samme dag som eller etter fra-datoen." in response.content.decode()


def test_an_orderer_of_another_customer_is_no_choice(buyer_client, history, other_member, product):
    place_order(other_member, [product], reference="Skole 3B")
    response = buyer_client.get(reverse("shop:orders"), {"bestilt_av": other_member.user.pk})
    assert "bestilt_av" in response.context["form"].errors
    response = buyer_client.get(reverse("shop:orders"), {"q": "Skole 3B"})
    assert _numbers(response) == [history["school"].number]


def test_no_hits_says_so_and_offers_a_reset(buyer_client, history):
    body = buyer_client.get(reverse("shop:orders"), {"q": "finnes ikke"}).content.decode()
    assert "Ingen ordre passer med søket" in body
    assert "Nullstill" in body


def test_pages_keep_the_search(buyer_client, buyer_member, product):
    for i in range(30):
        place_order(buyer_member, [product], reference=f"Skole {i}", quantity=1)
    response = buyer_client.get(reverse("shop:orders"), {"q": "skole"})
    assert len(response.context["orders"]) == 25
    body = response.content.decode()
    assert "q=skole&amp;side=2" in body
    assert "30 ordre" in body
    response = buyer_client.get(reverse("shop:orders"), {"q": "skole", "side": 2})
    assert len(response.context["orders"]) == 5


@pytest.mark.parametrize("n", [3, 40])
def test_order_list_search_uses_a_constant_number_of_queries(
    buyer_client, buyer_member, product, n, django_assert_max_num_queries
):
    others = [ProductFactory() for _ in range(3)]
    for i in range(n):
        place_order(buyer_member, [product, others[i % 3]], reference=f"Bygg {i}", quantity=1)
    for params in ({}, {"q": "bygg 1"}, {"q": product.sku, "status": "mottatt"}, {"fra": "2020-01-01", "side": 2}):
        with django_assert_max_num_queries(8):
            assert buyer_client.get(reverse("shop:orders"), params).status_code == 200
