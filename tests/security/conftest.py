"""Two customers, A and B, each with an administrator and data of every kind that has an id.

The security tests act as A's administrator and aim at B's objects.
"""

import pytest

from accounts.models import Role
from tests.factories import BranchFactory, CustomerFactory, MembershipFactory
from tests.fixtures.data import PASSWORD


@pytest.fixture
def customer_a(db):
    return CustomerFactory(branch=BranchFactory(), name="Kunde A Elektro AS")


@pytest.fixture
def customer_b(db):
    return CustomerFactory(branch=BranchFactory(), name="Kunde B Elektro AS")


@pytest.fixture
def admin_a(customer_a):
    return MembershipFactory(
        customer=customer_a, role=Role.ADMINISTRATOR, user__password=PASSWORD, user__email="admin.a@a.example"
    )


@pytest.fixture
def admin_b(customer_b):
    return MembershipFactory(
        customer=customer_b, role=Role.ADMINISTRATOR, user__password=PASSWORD, user__email="admin.b@b.example"
    )


@pytest.fixture
def client_a(client, admin_a):
    client.force_login(admin_a.user)
    return client
