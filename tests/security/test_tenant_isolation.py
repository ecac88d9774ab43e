"""Tenant isolation, generated from the URL conf: no URL reaches another customer's object.

Every URL pattern of the project that takes an argument is listed here: either in REGISTRY (it
names a customer's object; a builder creates customer B's object and returns the URL kwargs) or in
EXEMPT (with the reason it carries no customer data). A new URL with an argument that is in neither
makes `test_every_url_with_an_argument_is_classified` fail, telling the developer what to add.

Then, logged in as an administrator of customer A, every REGISTRY URL is requested with B's ids,
with GET and with POST: each answer is 404 (or 405 for a method the view does not take, which it
refuses before looking anything up), at least one of them is 404, and B's object is unchanged.

To add the migration URLs later: write a builder `def _legacy_account(world): ...` returning
`(kwargs, obj)` and add `"migration:<name>": _legacy_account` to REGISTRY.
"""

from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.models import Membership, MembershipOffer, Role
from shop.cart import cart_add, cart_get_or_create
from shop.models import Address, CartLine
from tests.factories import MembershipFactory, UserFactory
from tests.shop.conftest import place_order
from tests.shop.factories import ProductFactory

from .helpers import walk_urls

# --- customer B's objects -----------------------------------------------------------------------------


@dataclass
class World:
    customer_b: object
    admin_b: Membership


def _membership(world):
    member = MembershipFactory(customer=world.customer_b, role=Role.BUYER)
    return {"pk": member.pk}, member


def _pending_membership(world):
    user = UserFactory()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    member = MembershipFactory(customer=world.customer_b, user=user, role=Role.BUYER, invited_by=world.admin_b.user)
    return {"pk": member.pk}, member


def _membership_offer(world):
    offer = MembershipOffer.objects.create(
        customer=world.customer_b, user=UserFactory(), email="tilbud@b.example", role=Role.BUYER,
        invited_by=world.admin_b.user,
    )
    return {"pk": offer.pk}, offer


def _order(world):
    order = place_order(world.admin_b, [ProductFactory()])
    return {"pk": order.pk}, order


def _cart_line(world):
    cart = cart_get_or_create(customer=world.customer_b, user=world.admin_b.user)
    line = cart_add(cart=cart, product=ProductFactory(), quantity=3)
    return {"pk": line.pk}, CartLine.objects.get(pk=line.pk)


def _address(world):
    address = Address.objects.create(
        customer=world.customer_b, name="Kunde B lager", street="Bveien 1", postal_code="0150", city="Oslo"
    )
    return {"pk": address.pk}, address


REGISTRY = {
    "accounts:membership_detail": _membership,
    "accounts:membership_role": _membership,
    "accounts:membership_deactivate": _membership,
    "accounts:membership_reactivate": _membership,
    "accounts:invitation_resend": _pending_membership,
    "accounts:offer_detail": _membership_offer,
    "shop:cart_line_update": _cart_line,
    "shop:cart_line_delete": _cart_line,
    "shop:order_detail": _order,
    "shop:order_confirmation": _order,
    "shop:order_reorder": _order,
    "shop:order_pdf": _order,
    "shop:order_csv": _order,
    "shop:order_xlsx": _order,
    "shop:address_delete": _address,
}

EXEMPT = {
    "shop:category": "catalogue category slug: the catalogue is the same for every customer",
    "shop:product": "product SKU: the catalogue is the same for every customer (prices are per customer)",
    "media": "public product pictures and datasheets from MEDIA_ROOT (catalogue content, no customer data)",
    "faq:topic": "public help page",
    "faq:question": "public help answer",
    "accounts:invitation_accept": "the signed token is the credential (tests/security/test_tokens.py)",
    # The migration links carry signed tokens for one legacy account or user, not object ids; the
    # token is the credential (tests/security/test_tokens.py: tampered, expired and reused links change
    # nothing; the legacy session they open holds one legacy account, never an id from the request).
    "migration:activate": "signed activation token is the credential",
    "migration:invitation": "signed personal invitation token is the credential",
    "migration:legacy_reset_confirm": "signed legacy reset token is the credential",
}


def unclassified_urls(resolver=None) -> list[str]:
    return sorted(
        f"{name} {arguments}"
        for name, arguments in walk_urls(resolver)
        if arguments and name not in REGISTRY and name not in EXEMPT
    )


def test_every_url_with_an_argument_is_classified():
    unclassified = unclassified_urls()
    assert not unclassified, (
        "These URLs take an argument but are not in the tenant-isolation registry. Add each to "
        "REGISTRY in tests/security/test_tenant_isolation.py (a builder that creates customer B's "
        "object and returns the URL kwargs), or to EXEMPT with the reason it holds no customer data:\n  "
        + "\n  ".join(unclassified)
    )


def test_registry_has_no_stale_entries():
    names = {name for name, _ in walk_urls()}
    assert not (set(REGISTRY) | set(EXEMPT)) - names


def _snapshot(obj):
    obj = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if obj is None else model_to_dict(obj)


@pytest.mark.parametrize("url_name", sorted(REGISTRY))
def test_administrator_of_a_gets_404_for_b_objects(url_name, client_a, customer_b, admin_b):
    kwargs, obj = REGISTRY[url_name](World(customer_b=customer_b, admin_b=admin_b))
    url = reverse(url_name, kwargs=kwargs)
    before = _snapshot(obj)
    answers = {
        "GET": client_a.get(url).status_code,
        "POST": client_a.post(url, {"role": Role.ADMINISTRATOR, "quantity": "7"}).status_code,
    }
    assert set(answers.values()) <= {404, 405}, f"{url_name} {url}: {answers}"
    assert 404 in answers.values(), f"{url_name} {url}: {answers}"
    assert _snapshot(obj) == before, f"{url_name} changed customer B's object"


def test_switching_to_a_customer_one_is_no_member_of_is_refused(client_a, customer_a, customer_b):
    client_a.post(reverse("accounts:switch_customer"), {"customer": customer_b.pk})
    response = client_a.get(reverse("accounts:users"))
    assert customer_b.name not in response.content.decode()
    assert response.wsgi_request.tenant.customer == customer_a


def test_checkout_with_b_address_id_does_not_deliver_to_it(client_a, customer_a, customer_b, admin_a):
    import uuid

    from shop.models import Order

    _, address_b = _address(World(customer_b=customer_b, admin_b=None))
    cart = cart_get_or_create(customer=customer_a, user=admin_a.user)
    cart_add(cart=cart, product=ProductFactory(), quantity=1)
    client_a.post(
        reverse("shop:checkout"),
        {"token": str(uuid.uuid4()), "delivery_method": "levering", "address": str(address_b.pk)},
    )
    assert not Order.objects.filter(address=address_b).exists()


def test_b_order_idempotency_token_does_not_lead_a_to_b_order(client_a, customer_b, admin_b):
    order = place_order(admin_b, [ProductFactory()])
    response = client_a.post(reverse("shop:checkout"), {"token": str(order.idempotency_token)})
    assert response.status_code in (200, 302)
    assert response.get("Location", "") != reverse("shop:order_confirmation", kwargs={"pk": order.pk})


def test_the_walk_finds_arguments_in_nested_includes_and_regex_patterns():
    from django.urls import get_resolver

    probe = get_resolver("tests.security.urls_probe")
    found = dict(walk_urls(probe))
    assert found == {"home": {}, "probe:thing": {"pk": "IntConverter"}, "probe:old": {"ref": "regex"}}
    # a new URL with an id that nobody registered is reported
    assert unclassified_urls(probe) == ["probe:old {'ref': 'regex'}", "probe:thing {'pk': 'IntConverter'}"]


def test_migration_urls_take_tokens_never_object_ids():
    """The migration app's public URLs act on the legacy account in the session or the user a signed
    token names; none takes an object id, so none can be pointed at another customer's object."""
    migration = dict(item for item in walk_urls() if item[0].startswith("migration:"))
    assert len(migration) >= 12
    with_arguments = {name: arguments for name, arguments in migration.items() if arguments}
    assert with_arguments == {
        "migration:activate": {"token": "StringConverter"},
        "migration:invitation": {"token": "StringConverter"},
        "migration:legacy_reset_confirm": {"token": "StringConverter"},
    }
    assert set(with_arguments) <= set(EXEMPT)


def test_migration_admin_urls_with_ids_are_staff_only(client_a, customer_b):
    """The move button's per-customer URL and the migration admin take ids; a customer administrator
    (not staff) is sent to the login page and nothing is flagged."""
    from migration.models import CustomerMove

    for url in (
        reverse("admin:accounts_customer_move", args=[customer_b.pk]),
        reverse("admin:migration_legacyaccount_changelist"),
        reverse("admin:migration_dashboard"),
    ):
        for method in (client_a.get, client_a.post):
            response = method(url, {"apply": "1", "deadline": "2099-01-01"})
            assert response.status_code == 302 and "login" in response["Location"], url
    assert not CustomerMove.objects.filter(customer=customer_b).exists()
