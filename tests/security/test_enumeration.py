"""Enumeration: nobody learns from an answer whether an email address or a user exists.

Login, «Mistet passord?», the colleague-invitation resend and the contact form answer the same
(status, redirects, body with CSRF tokens/timestamps/case numbers normalised and the typed address
replaced) for known and unknown identities; also with the SMTP server down and with the cache
(Redis) unreachable. CVE-2024-45231 was exactly this: Django's reset form answered differently when
sending failed.
"""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.models import OutboundEmail
from faq.forms import form_started_token
from migration.models import State
from migration.services import legacy_account_activate, legacy_account_submit_move
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD
from tests.migration.conftest import LEGACY_PASSWORD, LegacyAccountFactory, default_deadline

from .helpers import answer, normalise, smtp_down_settings, unreachable_redis_caches

pytestmark = pytest.mark.django_db

UNKNOWN = "finnes.ikke.her@ukjent.example"
KNOWN = "kjent.bruker@kjent.example"


@pytest.fixture
def known(customer_a):
    return MembershipFactory(customer=customer_a, user__email=KNOWN, user__password=PASSWORD).user


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password}, follow=True)


def reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def _login_answers(client, known):
    inactive = UserFactory(email="deaktivert@kjent.example", password=PASSWORD, is_active=False)
    pending = UserFactory(email="invitert@kjent.example")
    pending.set_unusable_password()
    pending.save(update_fields=["password"])
    cases = {
        "unknown user": (UNKNOWN, PASSWORD),
        "wrong password": (known.email, "Feil-passord-123"),
        "inactive user": (inactive.email, PASSWORD),
        "pending user (no password yet)": (pending.email, PASSWORD),
    }
    return {what: answer(login(client, email, pw), email) for what, (email, pw) in cases.items()}


def _assert_all_equal(answers: dict):
    first_name, first = next(iter(answers.items()))
    for name, other in answers.items():
        assert other == first, f"{name!r} answers differently from {first_name!r}"


def test_login_error_is_the_same_for_unknown_user_wrong_password_inactive_and_pending(client, known):
    answers = _login_answers(client, known)
    _assert_all_equal(answers)
    assert next(iter(answers.values()))[1] == 200


def test_reset_answer_is_the_same_for_known_unknown_and_inactive_addresses(client, known):
    inactive = UserFactory(email="deaktivert@kjent.example", password=PASSWORD, is_active=False)
    answers = {
        "known": answer(reset(client, known.email), known.email),
        "unknown": answer(reset(client, UNKNOWN), UNKNOWN),
        "inactive": answer(reset(client, inactive.email), inactive.email),
    }
    _assert_all_equal(answers)


def test_reset_answer_is_the_same_with_the_smtp_server_down_and_rows_wait(
    client, known, django_capture_on_commit_callbacks
):
    with override_settings(**smtp_down_settings()), django_capture_on_commit_callbacks(execute=True):
        down_known = answer(reset(client, known.email), known.email)
        down_unknown = answer(reset(client, UNKNOWN), UNKNOWN)
    up_unknown = answer(reset(client, UNKNOWN), UNKNOWN)
    assert down_known == down_unknown == up_unknown
    waiting = OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count()
    assert waiting >= 2, "with SMTP down the emails wait in the outbox"
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()


def test_login_answer_is_the_same_with_the_smtp_server_down(client, known):
    with override_settings(**smtp_down_settings()):
        assert answer(login(client, UNKNOWN, PASSWORD), UNKNOWN) == answer(
            login(client, known.email, "Feil-passord-123"), known.email
        )


def test_with_redis_unreachable_login_and_reset_answer_the_same_for_known_and_unknown(client, known):
    """The cache holds the rate-limit counters. Without it the shop fails closed (the 500 page, no
    login, no email), and known and unknown addresses still cannot be told apart."""
    with override_settings(CACHES=unreachable_redis_caches()):
        from django.core.cache import caches

        caches._settings = None  # let the override reach the cache handler
        try:
            client.raise_request_exception = False
            logins = {
                "unknown": answer(login(client, UNKNOWN, PASSWORD), UNKNOWN),
                "wrong password": answer(login(client, known.email, "Feil-passord-123"), known.email),
            }
            resets = {
                "unknown": answer(reset(client, UNKNOWN), UNKNOWN),
                "known": answer(reset(client, known.email), known.email),
            }
        finally:
            caches._settings = None
    _assert_all_equal(logins)
    _assert_all_equal(resets)
    assert "_auth_user_id" not in client.session


def test_invitation_resend_for_another_customers_member_looks_like_a_missing_one(client_a, customer_b):
    other = MembershipFactory(customer=customer_b)
    missing_pk = other.pk + 10_000
    url = "accounts:invitation_resend"
    theirs_url, missing_url = reverse(url, kwargs={"pk": other.pk}), reverse(url, kwargs={"pk": missing_pk})
    theirs, missing = client_a.post(theirs_url), client_a.post(missing_url)
    assert theirs.status_code == missing.status_code == 404
    assert normalise(theirs, theirs_url) == normalise(missing, missing_url)
    assert not OutboundEmail.objects.exists()


@pytest.fixture
def contact_post(client):
    def post(email):
        data = {
            "name": "Ola Elektriker",
            "email": email,
            "phone": "",
            "customer_number": "",
            "branch": "",
            "topic": "innlogging",
            "message": "Jeg kommer ikke inn i nettbutikken.",
            "website": "",
            "started": form_started_token(seconds_ago=60),  # as if a person took a minute
        }
        return client.post(reverse("contact:form"), data, follow=True)

    return post


def test_contact_form_answers_the_same_for_registered_and_unknown_senders(contact_post, known):
    assert answer(contact_post(known.email), known.email) == answer(contact_post(UNKNOWN), UNKNOWN)


def test_contact_form_answers_the_same_with_smtp_down(contact_post, known, django_capture_on_commit_callbacks):
    with override_settings(**smtp_down_settings()), django_capture_on_commit_callbacks(execute=True):
        down = answer(contact_post(known.email), known.email)
    up = answer(contact_post(UNKNOWN), UNKNOWN)
    assert down == up
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()


# --- the migration app: legacy gate, legacy «Glemt passord?», «Aktiver», move form ---------------------


GATE, LEGACY_RESET, AKTIVER = "/flytt/", "/flytt/glemt-passord/", "/flytt/aktiver/"


def gate_login(client, username, password):
    return client.post(GATE, {"username": username, "password": password}, follow=True)


@pytest.fixture
def flagged(customer_a):
    from migration.services import customer_flag_for_move

    customer_flag_for_move(customer=customer_a, deadline=default_deadline())
    return customer_a


@pytest.fixture
def moved_account(flagged):
    """A legacy account that moved: activated in the new shop, legacy access closed."""
    account = LegacyAccountFactory(customer=flagged, username="qx-flyttet-77", email="flyttet@kjent.example")
    result = legacy_account_submit_move(account=account, name="Flyttet", email="flyttet.ny@kjent.example")
    legacy_account_activate(user=result.user)
    account.refresh_from_db()
    assert account.state == State.ACTIVATED and account.legacy_access is False
    return account


def test_legacy_gate_error_is_the_same_for_unknown_wrong_password_shut_out_and_moved(client, customer_a, moved_account):
    known = LegacyAccountFactory(customer=customer_a, username="qx-kjent-11")
    shut_out = LegacyAccountFactory(customer=customer_a, username="qx-stengt-22", is_active=False)  # is_active 0
    cases = {
        "unknown username": ("qx-finnesikke-55", LEGACY_PASSWORD),
        "wrong password": (known.username, "Feil-passord-123"),
        "shut out at import (is_active 0), right password": (shut_out.username, LEGACY_PASSWORD),
        "moved (legacy access closed), wrong password": (moved_account.username, "Feil-passord-123"),
    }
    answers = {what: answer(gate_login(client, user, pw), user) for what, (user, pw) in cases.items()}
    _assert_all_equal(answers)
    chain, status, body = next(iter(answers.values()))
    assert chain == [] and status == 200 and "Feil brukernavn eller passord" in body
    assert "migration.legacy_account" not in client.session


def test_moved_page_is_shown_only_after_the_right_password(client, moved_account):
    """"Already moved" is the one thing closed access reveals, and only to whoever knows the password."""
    wrong = gate_login(client, moved_account.username, "Feil-passord-123").content.decode()
    assert "Du har flyttet" not in wrong and "flyttet.ny@kjent.example" not in wrong
    right = gate_login(Client(), moved_account.username, LEGACY_PASSWORD)
    html = right.content.decode()
    assert right.redirect_chain == [("/flytt/konto/", 302)]
    assert "Du har flyttet" in html
    # closed access: the old shop itself stays shut
    assert "Du er logget inn i dagens nettbutikk" not in Client().get("/flytt/dagens-nettbutikk/").content.decode()


def _legacy_reset_answers(client, customer_a, moved_account):
    known = LegacyAccountFactory(customer=customer_a, username="qx-kjent-11")
    no_email = LegacyAccountFactory(customer=customer_a, username="qx-utenepost-33", email="")
    shut_out = LegacyAccountFactory(customer=customer_a, username="qx-stengt-22", is_active=False)
    usernames = {
        "known": known.username, "unknown": "qx-finnesikke-55", "no email on file": no_email.username,
        "shut out": shut_out.username, "moved": moved_account.username,
    }
    return {
        what: answer(client.post(LEGACY_RESET, {"username": name}, follow=True), name)
        for what, name in usernames.items()
    }


def test_legacy_reset_answer_is_the_same_for_every_kind_of_username(client, customer_a, moved_account):
    answers = _legacy_reset_answers(client, customer_a, moved_account)
    _assert_all_equal(answers)
    assert next(iter(answers.values()))[1] == 200
    assert OutboundEmail.objects.filter(kind="migration.legacy_reset").count() == 2  # known + moved


def test_legacy_reset_answer_is_the_same_with_smtp_down(
    client, customer_a, moved_account, django_capture_on_commit_callbacks
):
    up = answer(client.post(LEGACY_RESET, {"username": "qx-finnesikke-55"}, follow=True), "qx-finnesikke-55")
    with override_settings(**smtp_down_settings()), django_capture_on_commit_callbacks(execute=True):
        answers = _legacy_reset_answers(client, customer_a, moved_account)
    _assert_all_equal({"up, unknown": up, **answers})
    rows = OutboundEmail.objects.filter(kind="migration.legacy_reset")
    assert rows.count() == 2 and not rows.filter(status=OutboundEmail.Status.SENT).exists()
    assert not rows.filter(status=OutboundEmail.Status.FAILED).exists()


def _aktiver_answers(client, flagged, moved_account):
    waiting = LegacyAccountFactory(customer=flagged, username="qx-venter-44")
    waiting_user = legacy_account_submit_move(account=waiting, name="Venter", email="venter@kjent.example").user
    deactivated = UserFactory(email="deaktivert@kjent.example", is_active=False)
    emails = {
        "waiting for activation": waiting_user.email,
        "unknown": UNKNOWN,
        "already activated": "flyttet.ny@kjent.example",
        "deactivated": deactivated.email,
    }
    return {what: answer(client.post(AKTIVER, {"email": e}, follow=True), e) for what, e in emails.items()}


def test_aktiver_answer_is_the_same_for_waiting_unknown_activated_and_deactivated(client, flagged, moved_account):
    before = OutboundEmail.objects.filter(kind="migration.activation").count()
    answers = _aktiver_answers(client, flagged, moved_account)
    _assert_all_equal(answers)
    assert next(iter(answers.values()))[1] == 200
    # the move form sent one, «Aktiver» one more: only for the waiting user
    assert OutboundEmail.objects.filter(kind="migration.activation").count() == before + 2


def test_aktiver_answer_is_the_same_with_smtp_down(
    client, flagged, moved_account, django_capture_on_commit_callbacks
):
    up = answer(client.post(AKTIVER, {"email": UNKNOWN}, follow=True), UNKNOWN)
    with override_settings(**smtp_down_settings()), django_capture_on_commit_callbacks(execute=True):
        answers = _aktiver_answers(client, flagged, moved_account)
    _assert_all_equal({"up, unknown": up, **answers})
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()
    assert OutboundEmail.objects.filter(kind="migration.activation", status=OutboundEmail.Status.PENDING).exists()


def _move_form_answers(flagged, emails: dict, prefix="a"):
    """Each email through the move form of its own legacy account (same name and phone)."""
    answers = {}
    for n, (what, email) in enumerate(emails.items()):
        account = LegacyAccountFactory(customer=flagged, username=f"qx-flytter-{prefix}{n}", name="Ola Flytter", email="")
        client = Client()
        client.post(GATE, {"username": account.username, "password": LEGACY_PASSWORD})
        response = client.post(
            "/flytt/konto/", {"name": "Ola Flytter", "email": email, "phone": "900 00 000"}, follow=True
        )
        answers[what] = answer(response, email, account.username)
    return answers


def test_move_form_answer_is_the_same_for_a_new_email_and_one_a_user_of_another_customer_has(
    flagged, customer_b, admin_b
):
    pending_elsewhere = MembershipFactory(customer=customer_b, user__email="ventende@b.example").user
    pending_elsewhere.set_unusable_password()
    pending_elsewhere.save(update_fields=["password"])
    answers = _move_form_answers(flagged, {
        "new email": "helt.ny@kjent.example",
        "active user of another customer": admin_b.user.email,
        "pending user of another customer": pending_elsewhere.email,
    })
    _assert_all_equal(answers)
    chain, status, body = next(iter(answers.values()))
    assert chain == [("/flytt/konto/", 302)] and status == 200 and "Sjekk e-posten din" in body


def test_move_form_answer_is_the_same_with_smtp_down(flagged, admin_b, django_capture_on_commit_callbacks):
    (up,) = _move_form_answers(flagged, {"up": "helt.ny@kjent.example"}).values()
    with override_settings(**smtp_down_settings()), django_capture_on_commit_callbacks(execute=True):
        answers = _move_form_answers(
            flagged, {"new": "en.annen@kjent.example", "known": admin_b.user.email}, prefix="b"
        )
    _assert_all_equal({"up": up, **answers})
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()


def test_with_redis_unreachable_the_migration_forms_answer_the_same_for_known_and_unknown(
    client, flagged, moved_account
):
    """The migration rate limits live in the cache too: without it the gate, the legacy reset and
    «Aktiver» fail closed (the 500 page, nothing sent, nobody logged in) and still cannot tell a known
    identity from an unknown one."""
    known = LegacyAccountFactory(customer=flagged, username="qx-kjent-redis-66")
    with override_settings(CACHES=unreachable_redis_caches()):
        from django.core.cache import caches

        caches._settings = None
        try:
            client.raise_request_exception = False
            gate = {
                "unknown": answer(gate_login(client, "qx-finnesikke-55", LEGACY_PASSWORD), "qx-finnesikke-55"),
                "right password": answer(gate_login(client, known.username, LEGACY_PASSWORD), known.username),
            }
            resets = {
                "unknown": answer(client.post(LEGACY_RESET, {"username": "qx-finnesikke-55"}, follow=True),
                                  "qx-finnesikke-55"),
                "known": answer(client.post(LEGACY_RESET, {"username": known.username}, follow=True), known.username),
            }
            aktiver = {
                "unknown": answer(client.post(AKTIVER, {"email": UNKNOWN}, follow=True), UNKNOWN),
                "activated": answer(client.post(AKTIVER, {"email": "flyttet.ny@kjent.example"}, follow=True),
                                    "flyttet.ny@kjent.example"),
            }
        finally:
            caches._settings = None
    for answers in (gate, resets, aktiver):
        _assert_all_equal(answers)
        assert next(iter(answers.values()))[1] == 500
    assert "migration.legacy_account" not in client.session
    assert not OutboundEmail.objects.filter(kind__in=["migration.legacy_reset"]).exists()
