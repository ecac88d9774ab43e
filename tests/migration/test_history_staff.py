"""Staff see the history carried over (customer page) and why people still need the old shop."""

from decimal import Decimal

import pytest

from migration.models import EventKind, LegacyOrder, LegacyOrderLine, MigrationEvent, ReactivationReason
from migration.services import legacy_account_activate, legacy_account_reactivate, legacy_account_submit_move
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import reauthenticate

from .conftest import LegacyAccountFactory


@pytest.fixture
def moved(legacy_account, flag):
    flag(legacy_account.customer)
    result = legacy_account_submit_move(account=legacy_account, name="N", email="n@firma.example")
    legacy_account_activate(user=result.user)
    legacy_account.refresh_from_db()
    return legacy_account


def test_customer_admin_page_shows_how_much_history_was_carried_over(client, staff_user, customer):
    client.force_login(staff_user)
    page = client.get(f"/admin/accounts/customer/{customer.pk}/change/").content.decode()
    assert "Ingen historikk importert fra dagens nettbutikk ennå." in page

    for n in range(3):
        order = LegacyOrder.objects.create(customer=customer, number=f"L-{n}", ordered_at=f"2025-01-0{n + 1}")
        LegacyOrderLine.objects.create(order=order, line_number=1, name="Kabel", quantity=Decimal(1))
        LegacyOrderLine.objects.create(order=order, line_number=2, name="Boks", quantity=Decimal(2))
    LegacyAccountFactory(customer=customer).favourites.create(sku="ABC", quantity=2)
    page = client.get(f"/admin/accounts/customer/{customer.pk}/change/").content.decode()
    assert "3 ordre med 6 ordrelinjer; 1 favoritter, 0 favorittlister opprettet" in page


def test_dashboard_counts_reactivations_per_reason(client, staff_user, moved, make_legacy_account, flag):
    client.force_login(staff_user)
    data = {"action": "reactivate", "_selected_action": [moved.pk], "apply": "1"}
    page = client.post("/admin/migration/legacyaccount/", {"action": "reactivate", "_selected_action": [moved.pk]})
    assert "Trenger ordrehistorikken" in page.content.decode()  # the reason is chosen from a list
    bad = client.post("/admin/migration/legacyaccount/", {**data, "reason": "x", "category": "tull"})
    assert "Velg en årsak i listen." in bad.content.decode()
    response = client.post(
        "/admin/migration/legacyaccount/",
        {**data, "reason": "Ser etter en ordre fra 2019", "category": ReactivationReason.ORDER_HISTORY},
    )
    reauthenticate(client, response, PASSWORD)  # re-opening the old shop asks for the password first
    event = MigrationEvent.objects.get(account=moved, kind=EventKind.REACTIVATED)
    assert event.reason == ReactivationReason.ORDER_HISTORY
    other = make_legacy_account(username="kollega")
    result = legacy_account_submit_move(account=other, name="K", email="k@firma.example")
    legacy_account_activate(user=result.user)
    legacy_account_reactivate(account=other, actor=staff_user, reason="Noe annet")  # no category: «Annet»

    html = client.get("/admin/migration/legacyaccount/dashboard/").content.decode()
    assert "Reaktivert i dagens nettbutikk, per årsak" in html
    table = html[html.index('id="migration-reactivations"') :]
    assert "<th scope=\"row\">Trenger ordrehistorikken</th><td>1</td>" in table
    assert "<th scope=\"row\">Annet</th><td>1</td>" in table
    assert "<td><strong>2</strong></td>" in table


def test_reactivations_per_reason_count_only_the_branch_employees_own_branch(moved, staff_user):
    """A branch employee's dashboard (branch_id) counts their own branch's re-activations only."""
    from migration.selectors import dashboard_data
    from tests.factories import BranchFactory

    legacy_account_reactivate(account=moved, actor=staff_user, reason="Trenger en gammel ordre")
    own = dashboard_data(branch_id=moved.customer.branch_id)
    other = dashboard_data(branch_id=BranchFactory(code="TRD", name="Trondheim").pk)
    assert (own["reactivations_total"], other["reactivations_total"]) == (1, 0)
