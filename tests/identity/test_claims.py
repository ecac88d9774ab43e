"""The `customers` claim and what each scope reveals."""

import pytest
from allauth.idp.oidc.models import Client

from identity.adapter import OIDCAdapter
from identity.claims import customers_claim
from tests.factories import CustomerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_customers_claim_lists_only_active_memberships_of_active_customers():
    user = UserFactory()
    MembershipFactory(user=user, customer__number="30002", customer__name="B AS", role="innkjoper")
    MembershipFactory(user=user, customer__number="30001", customer__name="A AS", role="administrator")
    MembershipFactory(user=user, customer__number="30003", is_active=False)
    MembershipFactory(user=user, customer=CustomerFactory(number="30004", is_active=False))
    MembershipFactory(customer__number="30005")  # someone else's
    assert customers_claim(user) == [
        {"number": "30001", "name": "A AS", "role": "administrator"},
        {"number": "30002", "name": "B AS", "role": "innkjoper"},
    ]


def test_each_scope_reveals_only_its_own_claims():
    user = UserFactory(email="kari@nordlys.example", name="Kari Nordmann")
    MembershipFactory(user=user, customer__number="10001")
    client = Client.objects.create(id="c", name="C")
    adapter = OIDCAdapter()

    assert adapter.get_claims("id_token", user, client, ["openid"]) == {"sub": str(user.pk)}
    assert adapter.get_claims("userinfo", user, client, ["openid", "email"]) == {
        "sub": str(user.pk), "email": "kari@nordlys.example", "email_verified": True,
    }
    assert adapter.get_claims("userinfo", user, client, ["openid", "profile"])["name"] == "Kari Nordmann"
    claims = adapter.get_claims("id_token", user, client, ["openid", "customers"])
    assert set(claims) == {"sub", "customers"}
    assert claims["customers"][0]["number"] == "10001"


def test_unverified_allauth_address_is_reported_as_such():
    from allauth.account.models import EmailAddress

    user = UserFactory(email="ny@firma.example")
    # accounts keeps allauth's address row in step with User.email; mark it unverified.
    EmailAddress.objects.update_or_create(
        user=user, email="ny@firma.example", defaults={"primary": True, "verified": False}
    )
    client = Client.objects.create(id="c", name="C")
    claims = OIDCAdapter().get_claims("userinfo", user, client, ["openid", "email"])
    assert claims["email_verified"] is False


def test_consent_screen_explains_the_customers_scope_in_norwegian():
    assert "kunder" in str(OIDCAdapter.scope_display["customers"])
