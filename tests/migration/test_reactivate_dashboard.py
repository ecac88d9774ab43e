import re
from datetime import timedelta

import pytest
from django.utils import timezone

from migration.admin import dashboard_data
from migration.models import EventKind, MigrationEvent, State
from migration.services import (
    MoveError,
    legacy_account_activate,
    legacy_account_reactivate,
    legacy_account_submit_move,
)
from tests.factories import BranchFactory, CustomerFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import reauthenticate

from .conftest import LegacyAccountFactory, legacy_login


@pytest.fixture
def moved(legacy_account, flag):
    flag(legacy_account.customer)
    result = legacy_account_submit_move(account=legacy_account, name="N", email="n@firma.example")
    legacy_account_activate(user=result.user)
    legacy_account.refresh_from_db()
    return legacy_account


def test_reactivation_needs_a_reason_and_reopens_the_old_shop(client, moved, staff_user, settings):
    with pytest.raises(MoveError):
        legacy_account_reactivate(account=moved, actor=staff_user, reason="  ")
    legacy_account_reactivate(account=moved, actor=staff_user, reason="Trenger gamle ordre i en uke")
    moved.refresh_from_db()
    assert moved.state == State.REACTIVATED and moved.legacy_access
    event = MigrationEvent.objects.get(account=moved, kind=EventKind.REACTIVATED)
    assert event.actor == staff_user and event.detail == "Trenger gamle ordre i en uke"
    response = legacy_login(client, moved.username)
    assert response["Location"] == settings.LEGACY_SHOP_URL


def test_admin_reactivate_action_asks_for_a_reason(client, moved, staff_user):
    client.force_login(staff_user)
    data = {"action": "reactivate", "_selected_action": [moved.pk]}
    page = client.post("/admin/migration/legacyaccount/", data)
    assert "Begrunnelse" in page.content.decode()
    missing = client.post("/admin/migration/legacyaccount/", {**data, "apply": "1", "reason": ""})
    assert "Dette feltet er påkrevd" in missing.content.decode() or "errorlist" in missing.content.decode()
    moved.refresh_from_db()
    assert moved.state == State.ACTIVATED
    response = client.post(
        "/admin/migration/legacyaccount/", {**data, "apply": "1", "reason": "Kunden ba om det"}
    )
    # re-opening the old shop asks for the password again first; allauth then replays the POST
    moved.refresh_from_db()
    assert moved.state == State.ACTIVATED
    reauthenticate(client, response, PASSWORD)
    moved.refresh_from_db()
    assert moved.state == State.REACTIVATED
    history = client.get(f"/admin/migration/legacyaccount/{moved.pk}/change/").content.decode()
    assert "Kunden ba om det" in history


def test_dashboard_counts_per_branch_and_overall(client, staff_user, flag, django_assert_max_num_queries):
    oslo, bergen = BranchFactory(name="Oslo"), BranchFactory(name="Bergen")
    c1, c2, c3 = CustomerFactory(branch=oslo), CustomerFactory(branch=oslo), CustomerFactory(branch=bergen)
    a = LegacyAccountFactory(customer=c1)
    LegacyAccountFactory(customer=c1, email="")
    LegacyAccountFactory(customer=c2)
    LegacyAccountFactory(customer=c3)
    flag(c1)
    result = legacy_account_submit_move(account=a, name="A", email="a@f.example")
    legacy_account_activate(user=result.user)
    data = dashboard_data()
    rows = {r["branch"].name: r for r in data["table"]}
    assert rows["Oslo"]["customers_flagged"] == 1 and rows["Oslo"]["customers_not_flagged"] == 1
    assert rows["Oslo"]["activated"] == 1 and rows["Oslo"]["invited"] == 1 and rows["Oslo"]["imported"] == 1
    assert rows["Oslo"]["without_email"] == 1
    assert rows["Bergen"]["imported"] == 1
    assert data["totals"]["imported"] == 2 and data["totals"]["activated"] == 1
    assert data["series"][-1][1] == 1 and data["chart"]["total"] == 1
    client.force_login(staff_user)
    # A fixed budget whatever the data size: 12, plus one each for the re-activations per reason
    # (#19) and the bounced stage of the funnel (#16).
    with django_assert_max_num_queries(14):
        html = client.get("/admin/migration/legacyaccount/dashboard/").content.decode()
    assert "<svg" in html and "Aktiveringer per dag" in html and "Oslo" in html
    # SVG coordinates must not be localised ("36,5" is no number in SVG).
    assert not re.search(r'(x|y|width|height)="[0-9]+,[0-9]', html)


def test_dashboard_chart_covers_30_days(db):
    MigrationEvent.objects.create(
        customer=CustomerFactory(), kind=EventKind.ACTIVATED, at=timezone.now() - timedelta(days=3)
    )
    chart = dashboard_data()["chart"]
    assert len(chart["bars"]) == 30 and chart["peak"] == 1
