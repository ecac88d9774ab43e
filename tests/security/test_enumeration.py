"""Enumeration: nobody learns from an answer whether an email address or a user exists.

Login, «Mistet passord?», the colleague-invitation resend and the contact form answer the same
(status, redirects, body with CSRF tokens/timestamps/case numbers normalised and the typed address
replaced) for known and unknown identities; also with the SMTP server down and with the cache
(Redis) unreachable. CVE-2024-45231 was exactly this: Django's reset form answered differently when
sending failed.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from core.models import OutboundEmail
from faq.forms import form_started_token
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

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
