"""Service rules that need real row locks: a customer always keeps an active Administrator."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import Membership, Role
from tests.factories import CustomerFactory, MembershipFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_at_once_leave_one_administrator():
    customer = CustomerFactory()
    first = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    second = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    barrier = threading.Barrier(2)
    errors = []

    def demote(membership):
        try:
            barrier.wait(5)
            services.membership_set_role(membership=membership, role=Role.BUYER)
        except services.MembershipError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(errors) == 1
    assert Membership.objects.filter(customer=customer, role=Role.ADMINISTRATOR).count() == 1


@pytest.mark.django_db
def test_deactivating_the_second_last_administrator_is_allowed_and_the_last_is_not():
    customer = CustomerFactory()
    first = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    second = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    services.membership_deactivate(membership=first)
    with pytest.raises(services.MembershipError):
        services.membership_deactivate(membership=second)
    with pytest.raises(services.MembershipError):
        services.membership_set_role(membership=second, role=Role.READ_ONLY)


@pytest.mark.django_db
def test_an_administrator_of_a_user_deactivated_by_staff_does_not_count():
    customer = CustomerFactory()
    keeper = MembershipFactory(customer=customer, role=Role.ADMINISTRATOR)
    MembershipFactory(customer=customer, role=Role.ADMINISTRATOR, user__is_active=False)
    with pytest.raises(services.MembershipError):
        services.membership_set_role(membership=keeper, role=Role.BUYER)


@pytest.mark.django_db
def test_demoting_a_non_administrator_needs_no_other_administrator():
    customer = CustomerFactory()
    buyer = MembershipFactory(customer=customer, role=Role.BUYER)
    services.membership_set_role(membership=buyer, role=Role.READ_ONLY)
    buyer.refresh_from_db()
    assert buyer.role == Role.READ_ONLY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_invitation_link_set_one_password():
    from django.test import Client

    from core.models import OutboundEmail
    from tests.accounts.conftest import emailed_link

    admin = MembershipFactory(role=Role.ADMINISTRATOR)
    membership = services.membership_invite(
        customer=admin.customer,
        email="tvilling@firma.example",
        name="T",
        role=Role.BUYER,
        invited_by=admin.user,
    )
    link = emailed_link(OutboundEmail.objects.get(kind="accounts.invitation"), "url", "/konto/invitasjon/")
    barrier = threading.Barrier(2)
    statuses = {}

    def submit(password):
        try:
            client = Client()
            barrier.wait(5)
            statuses[password] = client.post(link, {"password1": password, "password2": password}).status_code
        finally:
            connection.close()

    passwords = ["Første lange passord 1", "Andre lange passord 22"]
    threads = [threading.Thread(target=submit, args=(p,)) for p in passwords]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses.values()) == [302, 410]
    winner = next(p for p, status in statuses.items() if status == 302)
    membership.user.refresh_from_db()
    assert membership.user.check_password(winner)
