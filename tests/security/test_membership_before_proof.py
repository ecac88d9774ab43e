"""Membership only after proof (issue #15 item 6; PRODUCT.md, move form steps 4 and 5).

«Flytt meg til ny nettbutikk» creates the new user inactive and with no membership; an existing
user gets nothing either. Only the activation link (which proves the email) activates the user and
adds the membership. Pending users are told apart from users deactivated by staff
(`migration.selectors.user_awaiting_activation`): «Aktiver» resends to the first and never to the
second, with the same answer for every address; a deactivated user stays refused everywhere.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import Membership, Role, User
from core.links import link_sign
from core.models import OutboundEmail
from migration.models import LegacyAccount, State
from migration.services import MoveError, activation_request, legacy_account_submit_move
from tests.factories import CustomerFactory, MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD
from tests.migration.conftest import LegacyAccountFactory, default_deadline

from .helpers import answer

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lang og trygg setning 2026"


@pytest.fixture
def flagged(customer):
    from migration.services import customer_flag_for_move

    customer_flag_for_move(customer=customer, deadline=default_deadline())
    return customer


def _activation_path(user):
    return f"/flytt/aktiver/{link_sign('activation', user)}/"


def _activate(client, user, password=NEW_PASSWORD):
    return client.post(_activation_path(user), {"new_password1": password, "new_password2": password})


def _activation_mails(email):
    return OutboundEmail.objects.filter(kind="migration.activation", to__iexact=email).count()


def test_move_form_creates_the_user_inactive_without_membership_until_the_link(client, flagged):
    account = LegacyAccountFactory(customer=flagged, is_main_user=True)
    result = legacy_account_submit_move(account=account, name="Ny Person", email="ny.person@firma.example")
    user = User.objects.get(pk=result.user.pk)
    assert result.outcome == "created"
    assert user.is_active is False and not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()

    assert _activate(client, user).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert int(client.session[SESSION_KEY]) == user.pk
    membership = Membership.objects.get(user=user)
    assert membership.customer == flagged and membership.role == Role.ADMINISTRATOR and membership.is_active


def test_an_existing_users_membership_waits_for_the_proof(client, flagged):
    # Invited by a colleague at another customer, has not set a password yet (the "linked" case).
    other = CustomerFactory()
    invited = MembershipFactory(customer=other, user__email="kollega@firma.example").user
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    account = LegacyAccountFactory(customer=flagged, email="kollega@firma.example")
    result = legacy_account_submit_move(account=account, name="Kollega", email="kollega@firma.example")
    assert result.outcome == "linked" and result.user.pk == invited.pk
    assert not Membership.objects.filter(user=invited, customer=flagged).exists()

    assert _activate(client, invited).status_code == 302
    assert Membership.objects.get(user=invited, customer=flagged).role == Role.BUYER


def test_an_existing_user_with_a_password_joins_only_after_confirming(client, flagged):
    user = MembershipFactory(customer=CustomerFactory(), user__email="har.konto@firma.example").user
    account = LegacyAccountFactory(customer=flagged, email="har.konto@firma.example")
    result = legacy_account_submit_move(account=account, name="Har Konto", email="har.konto@firma.example")
    assert result.outcome == "confirm_existing"
    assert not Membership.objects.filter(user=user, customer=flagged).exists()
    assert client.post(_activation_path(user)).status_code == 302
    assert Membership.objects.filter(user=user, customer=flagged, is_active=True).exists()


def test_a_second_legacy_account_links_to_the_pending_user(client, flagged):
    first = LegacyAccountFactory(customer=flagged, is_main_user=True, email="felles@firma.example")
    second = LegacyAccountFactory(customer=CustomerFactory(branch=flagged.branch), email="felles@firma.example")
    from migration.services import customer_flag_for_move

    customer_flag_for_move(customer=second.customer, deadline=default_deadline())
    one = legacy_account_submit_move(account=first, name="Felles", email="felles@firma.example")
    two = legacy_account_submit_move(account=second, name="Felles", email="felles@firma.example")
    assert one.user.pk == two.user.pk and two.outcome == "linked"
    assert User.objects.filter(email__iexact="felles@firma.example").count() == 1
    assert not Membership.objects.filter(user=one.user).exists()
    assert _activate(client, one.user).status_code == 302
    assert set(Membership.objects.filter(user=one.user).values_list("customer_id", flat=True)) == {
        first.customer_id,
        second.customer_id,
    }


def test_aktiver_resends_to_a_pending_user_with_the_same_answer_as_any_email(client, flagged):
    account = LegacyAccountFactory(customer=flagged)
    legacy_account_submit_move(account=account, name="Venter", email="venter@firma.example")
    before = _activation_mails("venter@firma.example")
    pending = client.post("/flytt/aktiver/", {"email": "venter@firma.example"})
    unknown = client.post("/flytt/aktiver/", {"email": "ukjent@firma.example"})
    assert _activation_mails("venter@firma.example") == before + 1
    assert answer(pending, "venter@firma.example") == answer(unknown, "ukjent@firma.example")


def test_login_of_a_pending_user_answers_like_a_wrong_password(client, flagged):
    account = LegacyAccountFactory(customer=flagged)
    legacy_account_submit_move(account=account, name="Venter", email="venter@firma.example")
    known = MembershipFactory(customer=flagged, user__email="kjent@firma.example", user__password=PASSWORD).user

    def login(email, password):
        return client.post(reverse("account_login"), {"login": email, "password": password}, follow=True)

    pending = answer(login("venter@firma.example", PASSWORD), "venter@firma.example")
    wrong = answer(login(known.email, "Feil-passord-123"), known.email)
    assert pending == wrong
    assert SESSION_KEY not in client.session


def test_a_user_deactivated_by_staff_stays_refused_everywhere(client, flagged):
    # Had logged in and used the shop; staff shut them out (Django admin: not active).
    user = UserFactory(email="stengt@firma.example", password=PASSWORD)
    User.objects.filter(pk=user.pk).update(is_active=False, last_login="2026-01-05T10:00:00Z")
    user.refresh_from_db()
    account = LegacyAccountFactory(customer=flagged, email="stengt@firma.example")
    with pytest.raises(MoveError) as refused:
        legacy_account_submit_move(account=account, name="Stengt", email="stengt@firma.example")
    assert refused.value.code == "deactivated"
    # Even if an account of theirs were waiting, neither «Aktiver» nor the link lets them in.
    LegacyAccount.objects.filter(pk=account.pk).update(user=user, state=State.SUBMITTED)
    before = OutboundEmail.objects.count()
    activation_request(email="stengt@firma.example")
    assert OutboundEmail.objects.count() == before
    assert client.post(_activation_path(user)).status_code == 400
    user.refresh_from_db()
    assert user.is_active is False
    assert not Membership.objects.filter(user=user).exists()


def test_a_pending_user_whose_legacy_account_staff_closed_is_refused(client, flagged):
    account = LegacyAccountFactory(customer=flagged)
    result = legacy_account_submit_move(account=account, name="Venter", email="venter@firma.example")
    LegacyAccount.objects.filter(pk=account.pk).update(is_active=False)
    before = OutboundEmail.objects.count()
    activation_request(email="venter@firma.example")
    assert OutboundEmail.objects.count() == before
    assert _activate(client, result.user).status_code == 400
    assert User.objects.get(pk=result.user.pk).is_active is False


def test_an_invited_colleague_deactivated_after_submitting_stays_refused(client, flagged):
    invited = MembershipFactory(customer=CustomerFactory(), user__email="invitert@firma.example").user
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    account = LegacyAccountFactory(customer=flagged, email="invitert@firma.example")
    legacy_account_submit_move(account=account, name="Invitert", email="invitert@firma.example")
    User.objects.filter(pk=invited.pk).update(is_active=False)  # staff: «Aktiv» unticked
    invited.refresh_from_db()
    before = OutboundEmail.objects.count()
    activation_request(email="invitert@firma.example")
    assert OutboundEmail.objects.count() == before
    assert _activate(client, invited).status_code == 400
    invited.refresh_from_db()
    assert invited.is_active is False
    assert not Membership.objects.filter(user=invited, customer=flagged).exists()


def test_a_pending_user_invited_meanwhile_by_another_customer_still_activates(client, flagged):
    from accounts.services import membership_invite

    account = LegacyAccountFactory(customer=flagged, is_main_user=True)
    result = legacy_account_submit_move(account=account, name="Venter", email="venter@firma.example")
    membership_invite(customer=CustomerFactory(), email="venter@firma.example", name="", role=Role.BUYER, invited_by=None)
    assert _activate(client, result.user).status_code == 302
    assert Membership.objects.get(user=result.user, customer=flagged).role == Role.ADMINISTRATOR
