"""The legacy account's state machine: one table, one function, every change recorded."""

import ast
from itertools import product
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings

from core.links import link_sign
from core.models import OutboundEmail
from migration.models import EventKind, LegacyAccount, MigrationEvent, State
from migration.services import (
    ActivationRefused,
    TransitionError,
    legacy_account_activate_by_link,
    legacy_account_edit,
    legacy_account_submit_move,
    legacy_account_transition,
    legacy_accounts_transition,
)
from tests.accounts.conftest import email_links

from .conftest import LegacyAccountFactory

pytestmark = pytest.mark.django_db

PAIRS = list(product(State.values, repeat=2))


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_every_pair_of_states_is_allowed_exactly_when_the_table_says_so(source, target, staff_user):
    account = LegacyAccountFactory(state=source)
    allowed = target in LegacyAccount.TRANSITIONS[source]
    if allowed:
        event = legacy_account_transition(
            account=account, to=target, kind=EventKind.EDITED, actor=staff_user, detail="walk"
        )
        account.refresh_from_db()
        assert account.state == target
        stored = MigrationEvent.objects.get(pk=event.pk)
        assert (stored.account, stored.customer, stored.kind) == (account, account.customer, EventKind.EDITED)
        assert (stored.actor, stored.detail) == (staff_user, "walk") and stored.at is not None
    else:
        with pytest.raises(TransitionError) as refused:
            legacy_account_transition(account=account, to=target, kind=EventKind.EDITED, actor=staff_user)
        message = str(refused.value)
        assert f"{source} → {target} is not an allowed transition" in message
        account.refresh_from_db()
        assert account.state == source
        assert not MigrationEvent.objects.filter(account=account).exists()


def test_the_table_names_every_state_and_only_states():
    assert set(LegacyAccount.TRANSITIONS) == set(State.values)
    assert all(set(targets) <= set(State.values) for targets in LegacyAccount.TRANSITIONS.values())


def test_one_refused_account_refuses_the_whole_batch(customer):
    fine = LegacyAccountFactory(customer=customer)
    moved = LegacyAccountFactory(customer=customer, state=State.ACTIVATED)
    with pytest.raises(TransitionError):
        legacy_accounts_transition(accounts=[fine, moved], to=State.INVITED, kind=EventKind.INVITED)
    assert set(LegacyAccount.objects.values_list("state", flat=True)) == {State.IMPORTED, State.ACTIVATED}
    assert not MigrationEvent.objects.exists()


def test_fields_that_travel_with_the_state_are_saved_with_it(legacy_account):
    legacy_account.refresh_from_db()
    when = legacy_account.created_at
    legacy_account_transition(
        account=legacy_account, to=State.POSTPONED, kind=EventKind.POSTPONED, values={"postponed_at": when}
    )
    legacy_account.refresh_from_db()
    assert (legacy_account.state, legacy_account.postponed_at) == (State.POSTPONED, when)


def _state_assignments(path: Path):
    """(function, line) of every `x.state = …` and `….update(state=…)` in a module."""
    tree = ast.parse(path.read_text())
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            targets = node.targets if isinstance(node, ast.Assign) else []
            targets += [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
            if any(isinstance(t, ast.Attribute) and t.attr == "state" for t in targets):
                found.append((func.name, node.lineno))
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("update", "bulk_update")
                and any(k.arg == "state" for k in node.keywords)
            ):
                found.append((func.name, node.lineno))
    return found


def test_state_is_assigned_in_exactly_one_function():
    app = Path(settings.BASE_DIR) / "migration"
    where = {
        (str(path.relative_to(app)), name)
        for path in app.rglob("*.py")
        if "migrations" not in path.parts
        for name, _line in _state_assignments(path)
    }
    assert where == {("services/state.py", "legacy_accounts_transition")}


def test_staff_edit_of_email_and_access_is_saved_with_an_event(client, staff_user, legacy_account):
    client.force_login(staff_user)
    url = f"/admin/migration/legacyaccount/{legacy_account.pk}/change/"
    form = {
        "username": legacy_account.username,
        "customer": legacy_account.customer_id,
        "name": legacy_account.name,
        "email": "ny.adresse@kunde.example",
        "phone": legacy_account.phone,
        "is_main_user": "on",
        # is_active left out: unticked
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    old_email = legacy_account.email
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    legacy_account.refresh_from_db()
    assert legacy_account.email == "ny.adresse@kunde.example" and legacy_account.is_active is False
    event = MigrationEvent.objects.get(account=legacy_account, kind=EventKind.EDITED)
    assert event.actor == staff_user
    assert f"{old_email} → ny.adresse@kunde.example" in event.detail
    assert "aktiv i dagens nettbutikk: ja → nei" in event.detail
    assert "Endret av ansatt" in client.get(url).content.decode()  # in the account's history


def test_staff_saving_without_a_change_writes_no_event(staff_user, legacy_account):
    assert legacy_account_edit(account=legacy_account, fields=["email", "name"], actor=staff_user) is None
    assert not MigrationEvent.objects.filter(kind=EventKind.EDITED).exists()


def test_staff_edit_cannot_touch_the_state(staff_user, legacy_account):
    legacy_account.state = State.ACTIVATED
    legacy_account.email = "annen@kunde.example"
    legacy_account_edit(account=legacy_account, fields=["state", "email"], actor=staff_user)
    legacy_account.refresh_from_db()
    assert (legacy_account.state, legacy_account.email) == (State.IMPORTED, "annen@kunde.example")


def test_activation_through_the_link_marks_the_address_verified_for_allauth(client, legacy_account, flag):
    """The view calls the activation service, which sets the password through accounts' service."""
    flag(legacy_account.customer)
    result = legacy_account_submit_move(account=legacy_account, name="Ny", email="ny@firma.example")
    url = email_links(OutboundEmail.objects.get(kind="migration.activation"))["activation_url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    password = "lang og trygg setning 2026"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    address = EmailAddress.objects.get(user=result.user)
    assert (address.email, address.verified, address.primary) == ("ny@firma.example", True, True)


def test_an_activation_with_nothing_left_to_activate_sets_no_password(legacy_account, flag):
    flag(legacy_account.customer)
    result = legacy_account_submit_move(account=legacy_account, name="Ny", email="ny@firma.example")
    token = link_sign("activation", result.user)
    LegacyAccount.objects.filter(pk=legacy_account.pk).update(user=None)  # e.g. staff unlinked it
    with pytest.raises(ActivationRefused) as refused:
        legacy_account_activate_by_link(token=token, password="lang og trygg setning 2026")
    assert refused.value.reason == "used"
    result.user.refresh_from_db()
    assert not result.user.has_usable_password()


def test_idempotency_keys_come_from_what_the_email_belongs_to(legacy_account, flag):
    flag(legacy_account.customer)
    legacy_account_submit_move(account=legacy_account, name="Ny", email="ny@firma.example")
    sent = MigrationEvent.objects.get(kind=EventKind.ACTIVATION_SENT)
    keys = set(OutboundEmail.objects.values_list("kind", "idempotency_key"))
    move = legacy_account.customer.move
    assert keys == {
        ("migration.invitation", f"migration.invitation:{legacy_account.pk}:{move.pk}"),
        ("migration.activation", f"migration.activation:{sent.pk}"),
    }
