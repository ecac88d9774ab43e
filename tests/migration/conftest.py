import hashlib
from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from migration.hashers import legacy_hash_kind, legacy_wrap
from migration.models import LegacyAccount
from migration.services import customer_flag_for_move
from tests.factories import CustomerFactory

LEGACY_PASSWORD = "gammelt-passord"


def is_weak_stored(encoded: str) -> bool:
    """True if a stored value could be brute-forced fast (the import must never store one)."""
    encoded = encoded or ""
    return legacy_hash_kind(encoded) == "weak" or encoded.startswith("md5$")


def sha1_hash(password, salt="abc123"):
    return f"sha1${salt}${hashlib.sha1((salt + password).encode()).hexdigest()}"


class LegacyAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegacyAccount

    username = factory.Sequence(lambda n: f"gammel{n}")
    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Gammel Bruker {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@kunde.example")
    phone = "900 00 000"
    password = factory.LazyFunction(lambda: legacy_wrap(sha1_hash(LEGACY_PASSWORD)))
    is_main_user = False


@pytest.fixture
def legacy_account(customer):
    return LegacyAccountFactory(customer=customer, is_main_user=True)


@pytest.fixture
def make_legacy_account(customer):
    def make(**kwargs):
        kwargs.setdefault("customer", customer)
        return LegacyAccountFactory(**kwargs)

    return make


def default_deadline(days=21):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def flag():
    def do(customer, days=21, actor=None):
        return customer_flag_for_move(customer=customer, deadline=default_deadline(days), actor=actor)

    return do


def legacy_login(client, username, password=LEGACY_PASSWORD):
    return client.post("/flytt/", {"username": username, "password": password})
