"""Least privilege in admin, generated from the admin registry.

MATRIX holds the decision for every registered ModelAdmin and every role: which of view / add /
change / delete the role has, and which actions it is offered. A new ModelAdmin without a row fails
`test_every_model_admin_has_a_decision` until someone decides. Branch scope: every ModelAdmin a
branch employee can open is branch-scoped, and for each of them an object of another branch is a
404 while one of their own opens (SCOPED builders). Escalation attempts change nothing.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts.admin_scope import BranchScopedAdmin
from accounts.models import Customer, User
from accounts.roles import BRANCH_STAFF, CENTRAL_STAFF
from core.models import OutboundEmail
from faq.models import SupportRequest
from migration.models import CustomerMove, LegacyAccount, MigrationEvent, MoveInterest, State
from tests.factories import BranchFactory, CustomerFactory, MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import ensure_staff_roles, give_totp, reauthenticate
from tests.migration.conftest import LegacyAccountFactory
from tests.shop.conftest import place_order
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db

ALL = ["view", "add", "change", "delete"]
NONE = ([], [])

# label: {role: (operations, actions)}. "avdeling" = «Avdelingsansatt» (own branch only),
# "netthandel" = «Netthandel» (all branches), "it" = superuser.
MATRIX = {
    "account.EmailAddress": {"avdeling": NONE, "netthandel": NONE, "it": (ALL, ["delete_selected", "make_verified"])},
    "accounts.Branch": {
        "avdeling": (["view"], []),
        "netthandel": (["view", "add", "change"], []),
        "it": (ALL, ["delete_selected"]),
    },
    "accounts.Customer": {
        "avdeling": (["view"], ["flag_for_move"]),
        "netthandel": (["view", "add", "change"], ["flag_for_move"]),
        "it": (ALL, ["delete_selected", "flag_for_move"]),
    },
    "accounts.Membership": {
        "avdeling": (["view"], []),
        "netthandel": (["view", "change"], ["resend_invitation"]),
        "it": (ALL, ["delete_selected", "resend_invitation"]),
    },
    "accounts.User": {"avdeling": NONE, "netthandel": (["view", "change"], []), "it": (ALL, ["delete_selected"])},
    "allauth_idp_oidc.Client": {
        "avdeling": NONE,
        "netthandel": (["view", "add", "change"], ["new_secret"]),
        "it": (ALL, ["delete_selected", "new_secret"]),
    },
    "allauth_idp_oidc.Token": {
        "avdeling": NONE,
        "netthandel": (["view", "delete"], ["delete_selected"]),
        "it": (ALL, ["delete_selected"]),
    },
    "auth.Group": {"avdeling": NONE, "netthandel": NONE, "it": (ALL, ["delete_selected"])},
    "core.OutboundEmail": {
        "avdeling": (["view"], []),
        "netthandel": (["view", "change"], ["resend"]),
        "it": (["view", "change"], ["resend"]),
    },
    "faq.Question": {"avdeling": NONE, "netthandel": (ALL, ["delete_selected"]), "it": (ALL, ["delete_selected"])},
    "faq.SupportRequest": {
        "avdeling": (["view", "change"], ["mark_in_progress", "mark_solved"]),
        "netthandel": (["view", "change"], ["mark_in_progress", "mark_solved"]),
        "it": (["view", "change", "delete"], ["delete_selected", "mark_in_progress", "mark_solved"]),
    },
    "faq.Topic": {"avdeling": NONE, "netthandel": (ALL, ["delete_selected"]), "it": (ALL, ["delete_selected"])},
    # Which user consented to which app: personal data, IT only.
    "identity.OIDCConsent": {"avdeling": NONE, "netthandel": NONE, "it": (["view", "change", "delete"], ["delete_selected"])},
    # Removing someone's second factor (lost phone, no recovery codes) is for IT only.
    "mfa.Authenticator": {"avdeling": NONE, "netthandel": NONE, "it": (ALL, ["delete_selected"])},
    "migration.LegacyAccount": {
        "avdeling": (["view", "change"], ["reactivate", "resend_invitation"]),
        "netthandel": (["view", "change"], ["reactivate", "resend_invitation"]),
        "it": (ALL, ["delete_selected", "reactivate", "resend_invitation"]),
    },
    "migration.MigrationEvent": {"avdeling": (["view"], []), "netthandel": (["view"], []), "it": (["view"], [])},
    "migration.MoveInterest": {
        "avdeling": (["view"], []),
        "netthandel": (["view", "change"], []),
        "it": (ALL, ["delete_selected"]),
    },
    "shop.Address": {"avdeling": NONE, "netthandel": (["view"], []), "it": (ALL, ["delete_selected"])},
    # «Bestillingslister» belong to the customers; the central team can look one up for them.
    "shop.OrderList": {"avdeling": NONE, "netthandel": (["view"], []), "it": (ALL, ["delete_selected"])},
    "shop.Cart": {"avdeling": NONE, "netthandel": (["view"], []), "it": (ALL, ["delete_selected"])},
    "shop.Category": {"avdeling": NONE, "netthandel": (["view", "add", "change"], []), "it": (ALL, ["delete_selected"])},
    "shop.CustomerDiscount": {"avdeling": NONE, "netthandel": (ALL, ["delete_selected"]), "it": (ALL, ["delete_selected"])},
    "shop.CustomerNetPrice": {"avdeling": NONE, "netthandel": (ALL, ["delete_selected"]), "it": (ALL, ["delete_selected"])},
    "shop.Order": {
        "avdeling": (["view"], []),
        "netthandel": (["view", "change"], []),
        "it": (["view", "change", "delete"], ["delete_selected"]),
    },
    "shop.Product": {"avdeling": NONE, "netthandel": (["view", "add", "change"], []), "it": (ALL, ["delete_selected"])},
}

ROLES = ["avdeling", "netthandel", "it"]
REGISTRY = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


@pytest.fixture
def home(db):
    return BranchFactory(code="OSL", name="Oslo")


@pytest.fixture
def away(db):
    return BranchFactory(code="BGO", name="Bergen")


def make_staff(role, branch, **kwargs):
    ensure_staff_roles()
    user = UserFactory(is_staff=True, is_superuser=(role == "it"), branch=branch, password=PASSWORD, **kwargs)
    if role in ("avdeling", "netthandel"):
        user.groups.add(Group.objects.get(name=BRANCH_STAFF if role == "avdeling" else CENTRAL_STAFF))
    give_totp(user)
    return user


@pytest.fixture
def as_role(client, home):
    def login(role):
        user = make_staff(role, home)
        client.force_login(user)
        return user

    return login


def test_every_model_admin_has_a_decision():
    undecided = sorted(set(REGISTRY) - set(MATRIX))
    assert not undecided, f"Add these ModelAdmins to MATRIX with a decision per role: {undecided}"
    assert not sorted(set(MATRIX) - set(REGISTRY)), "MATRIX names ModelAdmins that are gone"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(MATRIX))
def test_permission_matrix(label, role, home):
    model_admin = REGISTRY[label]
    request = RequestFactory().get("/admin/")
    request.user = make_staff(role, home)
    operations = [op for op in ALL if getattr(model_admin, f"has_{op}_permission")(request)]
    actions = sorted(model_admin.get_actions(request))
    assert (operations, actions) == tuple(MATRIX[label][role])


def test_every_admin_action_declares_its_permissions():
    undeclared = []
    for label, model_admin in REGISTRY.items():
        for func, name, _description in model_admin._get_base_actions():
            if not getattr(func, "allowed_permissions", None):
                undeclared.append(f"{label}.{name}")
    assert not undeclared, f"@admin.action(permissions=[...]) missing on: {undeclared}"


def test_every_admin_a_branch_employee_opens_is_branch_scoped():
    unscoped = [
        label
        for label, decision in MATRIX.items()
        if decision["avdeling"][0] and not isinstance(REGISTRY[label], BranchScopedAdmin)
    ]
    assert not unscoped, f"a branch employee sees these without branch scope: {unscoped}"


# --- Branch scope: builders make one object in a branch; the URL of another branch's is a 404 ----


def _customer(branch):
    return CustomerFactory(branch=branch)


def _membership(branch):
    return MembershipFactory(customer=CustomerFactory(branch=branch))


def _legacy_account(branch):
    return LegacyAccountFactory(customer=CustomerFactory(branch=branch))


def _event(branch):
    account = LegacyAccountFactory(customer=CustomerFactory(branch=branch))
    return MigrationEvent.objects.create(account=account, customer=account.customer, kind="invited", detail="x")


def _interest(branch):
    return MoveInterest.objects.create(customer=CustomerFactory(branch=branch), message="Vil flytte")


def _support_request(branch):
    return SupportRequest.objects.create(
        name="Per", email=f"per.{branch.code.lower()}@kunde.example", topic="annet", message="Hei", branch=branch
    )


def _order(branch):
    member = MembershipFactory(customer=CustomerFactory(branch=branch), role="administrator")
    return place_order(member, [ProductFactory()])


def _outbox_row(branch):
    member = MembershipFactory(customer=CustomerFactory(branch=branch))
    return OutboundEmail.objects.create(
        idempotency_key=f"t:{member.pk}", kind="test", to=member.user.email, template="email/core/test",
        context={"name": "hemmelig-innhold"},
    )


SCOPED = {
    "accounts.Branch": lambda branch: branch,
    "accounts.Customer": _customer,
    "accounts.Membership": _membership,
    "migration.LegacyAccount": _legacy_account,
    "migration.MigrationEvent": _event,
    "migration.MoveInterest": _interest,
    "faq.SupportRequest": _support_request,
    "shop.Order": _order,
    "core.OutboundEmail": _outbox_row,
}


def test_every_branch_scoped_admin_has_a_builder():
    scoped = {label for label, ma in REGISTRY.items() if isinstance(ma, BranchScopedAdmin)}
    assert scoped == set(SCOPED)


def admin_url(obj, view="change"):
    from django.urls import reverse

    opts = obj._meta
    if view == "changelist":
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


@pytest.mark.parametrize("label", sorted(SCOPED))
def test_branch_employee_reaches_only_their_branch(label, client, as_role, home, away):
    mine, theirs = SCOPED[label](home), SCOPED[label](away)
    as_role("avdeling")
    assert client.get(admin_url(mine)).status_code == 200
    assert client.get(admin_url(theirs)).status_code == 404
    assert client.get(admin_url(theirs, "history")).status_code == 404
    listing = client.get(admin_url(mine, "changelist"))
    assert listing.status_code == 200
    shown = {obj.pk for obj in listing.context["cl"].result_list}
    assert mine.pk in shown and theirs.pk not in shown


@pytest.mark.parametrize("label", sorted(SCOPED))
def test_netthandel_reaches_every_branch(label, client, as_role, home, away):
    mine, theirs = SCOPED[label](home), SCOPED[label](away)
    as_role("netthandel")
    assert client.get(admin_url(mine)).status_code == 200
    assert client.get(admin_url(theirs)).status_code == 200


def test_branch_employee_search_and_autocomplete_stay_in_the_branch(client, as_role, home, away):
    CustomerFactory(branch=home, name="Lysverket Oslo AS")
    CustomerFactory(branch=away, name="Lysverket Bergen AS")
    as_role("avdeling")
    listing = client.get("/admin/accounts/customer/?q=Lysverket")
    assert [c.name for c in listing.context["cl"].result_list] == ["Lysverket Oslo AS"]
    found = client.get(
        "/admin/autocomplete/",
        {"term": "Lysverket", "app_label": "migration", "model_name": "legacyaccount", "field_name": "customer"},
    )
    # the legacy account admin uses a raw id field, so autocomplete is not offered for it at all
    assert found.status_code in (403, 404) or "Bergen" not in found.content.decode()


def test_outbox_list_for_a_branch_employee_has_no_message_bodies(client, as_role, home):
    row = _outbox_row(home)
    as_role("avdeling")
    page = client.get(admin_url(row)).content.decode()
    assert row.to in page and "hemmelig-innhold" not in page
    as_role("netthandel")
    assert "hemmelig-innhold" in client.get(admin_url(row)).content.decode()


def test_dashboard_counts_only_the_branch_of_a_branch_employee(client, as_role, home, away):
    _legacy_account(home)
    _legacy_account(away)
    as_role("avdeling")
    page = client.get("/admin/migration/legacyaccount/dashboard/")
    assert [row["branch"] for row in page.context["table"]] == [home]


# --- Escalation attempts: refused, nothing changed ---------------------------------------------------


def test_branch_employee_cannot_open_or_post_the_user_admin(client, as_role):
    me = as_role("avdeling")
    url = f"/admin/accounts/user/{me.pk}/change/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"email": me.email, "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403
    me.refresh_from_db()
    assert not me.is_superuser and me.groups.get().name == BRANCH_STAFF


def user_form(user, **changes):
    data = {
        "email": user.email, "name": user.name, "phone": user.phone, "branch": user.branch_id or "",
        "is_active": "on", "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_netthandel_posting_privileges_changes_nothing_but_the_allowed_fields(client, as_role, home):
    central = as_role("netthandel")
    target = make_staff("avdeling", home)
    url = f"/admin/accounts/user/{target.pk}/change/"
    response = client.post(
        url,
        user_form(
            target, name="Nytt Navn", is_superuser="on", groups=[Group.objects.get(name=CENTRAL_STAFF).pk],
        ),
    )
    response = reauthenticate(client, response, PASSWORD)  # user edits ask for the password again
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.name == "Nytt Navn"
    assert not target.is_superuser and list(target.groups.values_list("name", flat=True)) == [BRANCH_STAFF]
    # the edit is on the user's history, with who did it
    entry = LogEntry.objects.filter(object_id=str(target.pk)).latest("action_time")
    assert entry.user == central
    # and the privilege fields are shown read-only, not as inputs
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page


def test_netthandel_cannot_edit_a_superuser_or_set_passwords(client, as_role, home):
    as_role("netthandel")
    it = make_staff("it", home)
    before = it.password
    assert client.post(f"/admin/accounts/user/{it.pk}/change/", user_form(it, name="X")).status_code == 403
    target = make_staff("avdeling", home)
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/", {"password1": "Nytt-passord-99x", "password2": "Nytt-passord-99x"}
    )
    assert response.status_code == 403
    it.refresh_from_db()
    target.refresh_from_db()
    assert it.name != "X" and it.password == before and target.check_password(PASSWORD)


def test_action_on_another_branchs_ids_is_refused_and_changes_nothing(client, as_role, home, away, mailoutbox):
    mine, theirs = CustomerFactory(branch=home), CustomerFactory(branch=away)
    LegacyAccountFactory(customer=theirs)
    as_role("avdeling")
    response = client.post(
        "/admin/accounts/customer/",
        {"action": "flag_for_move", "_selected_action": [mine.pk, theirs.pk], "apply": "1", "deadline": ""},
        follow=True,
    )
    assert "tilhører ikke din avdeling" in response.content.decode()
    assert not CustomerMove.objects.flagged().exists()
    assert not OutboundEmail.objects.exists()


def test_move_button_on_another_branchs_customer_is_a_404(client, as_role, away):
    theirs = CustomerFactory(branch=away)
    as_role("avdeling")
    assert client.get(f"/admin/accounts/customer/{theirs.pk}/flytt/").status_code == 404
    assert client.post(f"/admin/accounts/customer/{theirs.pk}/flytt/", {"apply": "1"}).status_code == 404
    assert not CustomerMove.objects.filter(customer=theirs).exists()


def test_branch_employee_cannot_move_a_legacy_account_to_another_branchs_customer(client, as_role, home, away):
    account = _legacy_account(home)
    theirs = CustomerFactory(branch=away)
    as_role("avdeling")
    page = client.get(admin_url(account)).content.decode()
    assert 'name="customer"' not in page
    data = {
        "username": account.username, "customer": theirs.pk, "name": account.name, "email": account.email,
        "phone": account.phone, "is_active": "on", "migrationevent_set-TOTAL_FORMS": "0",
        "migrationevent_set-INITIAL_FORMS": "0",
    }
    client.post(admin_url(account), data)
    account.refresh_from_db()
    assert account.customer.branch == home


def test_reactivation_by_a_branch_employee_is_recorded_with_who_did_it(client, as_role, home):
    account = _legacy_account(home)
    LegacyAccount.objects.filter(pk=account.pk).update(state=State.ACTIVATED, legacy_access=False)
    me = as_role("avdeling")
    data = {"action": "reactivate", "_selected_action": [account.pk], "apply": "1", "reason": "Trenger gamle ordre"}
    response = client.post("/admin/migration/legacyaccount/", data)
    reauthenticate(client, response, PASSWORD)
    account.refresh_from_db()
    assert account.state == State.REACTIVATED
    assert MigrationEvent.objects.filter(account=account, actor=me, kind="reactivated").exists()
    assert LogEntry.objects.filter(object_id=str(account.pk), user=me).exists()


def test_customers_of_a_branch_employee_without_branch_are_none(client, home):
    user = make_staff("avdeling", None)
    CustomerFactory(branch=home)
    client.force_login(user)
    assert list(client.get("/admin/accounts/customer/").context["cl"].result_list) == []
    assert Customer.objects.exists() and User.objects.filter(pk=user.pk, branch=None).exists()
