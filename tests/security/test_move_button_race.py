"""The move button pressed twice at the same moment for the same customers (two staff members, or a
double click that reached two gunicorn workers): exactly one invitation per legacy account.

tests/migration/test_move_button.py::test_concurrent_move_presses_invite_once proves it for one
customer with one legacy user; this is the admin action's case: several customers with several
legacy users each, two threads running the action's loop (customers by number, one
`customer_flag_for_move` each) at once, one with the selection in the opposite order.
"""

import threading

import pytest
from django.db import connection

from accounts.models import Customer
from core.models import OutboundEmail
from migration.models import EventKind, LegacyAccount, MigrationEvent
from migration.services import customer_flag_for_move
from tests.factories import BranchFactory, CustomerFactory
from tests.migration.conftest import LegacyAccountFactory, default_deadline


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_move_presses_send_one_invitation_per_legacy_account():
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL row locks")
    branch = BranchFactory()
    customers = [CustomerFactory(branch=branch) for _ in range(3)]
    for customer in customers:
        for _ in range(3):
            LegacyAccountFactory(customer=customer)
        LegacyAccountFactory(customer=customer, email="")  # listed for staff, never invited
    deadline = default_deadline()
    barrier = threading.Barrier(2)
    errors = []

    def press(reverse_selection):
        try:
            selection = Customer.objects.filter(pk__in=[c.pk for c in customers])
            barrier.wait(5)
            # what the admin action does with the selected customers
            for customer in selection.order_by("-number" if reverse_selection else "number"):
                customer_flag_for_move(customer=customer, deadline=deadline)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(flag,)) for flag in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    invitable = LegacyAccount.objects.invitable()
    assert invitable.count() == 9
    per_account = {
        account.email: OutboundEmail.objects.filter(kind="migration.invitation", to=account.email).count()
        for account in invitable
    }
    assert set(per_account.values()) == {1}, per_account
    assert OutboundEmail.objects.filter(kind="migration.invitation").count() == 9
    assert MigrationEvent.objects.filter(kind=EventKind.FLAGGED).count() == 3
    # one «Invitasjon sendt» event per legacy user (those without email: "no invitation sent")
    for account in LegacyAccount.objects.all():
        assert MigrationEvent.objects.filter(kind=EventKind.INVITED, account=account).count() == 1
    print(f"\nmove button x2 at once: 3 customers, 9 legacy users with email -> "
          f"{OutboundEmail.objects.filter(kind='migration.invitation').count()} invitations, 0 duplicated")
