"""Emailed links: invitation (accounts.tokens) and «Mistet passord?» (allauth's reset key).

Single use, expiry exactly at the timeout (the token's clock is moved, nothing else), tampering,
death on email change and deactivation, GET changes nothing, two concurrent POSTs with one token:
exactly one wins. Links come from SHOP_URL even when the request carries a forged Host header.
"""

import threading
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Role, User
from accounts.password_reset import ActiveUserPasswordResetTokenGenerator
from core.models import OutboundEmail
from tests.accounts.conftest import link_in
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

NEW = "Et helt nytt og langt passord 7"
OTHER = "Et annet helt nytt passord 88"


# --- invitation links -------------------------------------------------------------------------------


def _invite(admin, email="ny.kollega@a.example"):
    membership = services.membership_invite(
        customer=admin.customer, email=email, name="Ny Kollega", role=Role.BUYER, invited_by=admin.user
    )
    row = OutboundEmail.objects.filter(kind="accounts.invitation", to=email).latest("pk")
    return membership, row, link_in(row.context["url"], "/konto/invitasjon/")


def _set(client, link, password=NEW):
    return client.post(link, {"password1": password, "password2": password})


def _state(user):
    user = User.objects.get(pk=user.pk)
    return (user.password, user.last_login, user.email, user.is_active)


@pytest.mark.django_db
def test_invitation_get_changes_nothing_and_post_works_once(client, admin_a):
    membership, _, link = _invite(admin_a)
    before = _state(membership.user)
    for _ in range(3):
        assert client.get(link).status_code == 200
    assert _state(membership.user) == before
    assert _set(client, link).status_code == 302
    client.logout()
    again = _set(Client(), link, OTHER)
    assert again.status_code == 410
    assert User.objects.get(pk=membership.user.pk).check_password(NEW)


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "works"), [(-1, True), (0, True), (1, False), (3600, False)])
def test_invitation_expires_exactly_at_its_timeout(client, admin_a, settings, monkeypatch, offset, works):
    import time

    made_at = float(int(time.time()))
    timeout = settings.INVITATION_TIMEOUT_DAYS * 86400
    # Only the token's clock moves: django.core.signing reads time.time() through its module global.
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: made_at))
    membership, _, link = _invite(admin_a)
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: made_at + timeout + offset))
    response = _set(client, link)
    assert response.status_code == (302 if works else 410)
    assert User.objects.get(pk=membership.user.pk).has_usable_password() is works


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
        lambda t: ("x" if t[0] != "x" else "y") + t[1:],  # payload
        lambda t: t.split(":")[0],  # signature removed
        lambda t: "",
        lambda t: t + t,
        lambda t: signing.dumps({"u": 1, "f": "0" * 32}, salt="accounts.invitation", key="wrong-key"),
    ],
    ids=["signature", "payload", "no-signature", "empty", "doubled", "foreign-key"],
)
def test_a_tampered_invitation_is_refused_and_changes_nothing(client, admin_a, tamper):
    membership, _, link = _invite(admin_a)
    prefix, token = link.rstrip("/").rsplit("/", 1)
    bad = f"{prefix}/{tamper(token)}/" if tamper(token) else f"{prefix}/"
    before = _state(membership.user)
    response = _set(client, bad)
    assert response.status_code in (400, 404, 410)
    assert _state(membership.user) == before


@pytest.mark.django_db
def test_invitation_token_for_another_purpose_is_refused(client, admin_a):
    from accounts.tokens import make_token

    membership, _, link = _invite(admin_a)
    prefix = link.rstrip("/").rsplit("/", 1)[0]
    other_purpose = make_token(membership.user, "activation")
    assert _set(client, f"{prefix}/{other_purpose}/").status_code == 400
    assert not User.objects.get(pk=membership.user.pk).has_usable_password()


@pytest.mark.django_db
def test_invitation_dies_when_the_email_changes(client, admin_a):
    membership, _, link = _invite(admin_a)
    User.objects.filter(pk=membership.user.pk).update(email="endret@a.example")
    assert _set(client, link).status_code == 410
    assert not User.objects.get(pk=membership.user.pk).has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["user deactivated by staff", "membership deactivated"])
def test_a_deactivated_user_cannot_get_in_through_the_invitation(client, admin_a, who):
    membership, _, link = _invite(admin_a)
    if who == "user deactivated by staff":
        User.objects.filter(pk=membership.user.pk).update(is_active=False)
    else:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    response = _set(client, link)
    assert response.status_code in (400, 410)
    assert "_auth_user_id" not in client.session
    assert not User.objects.get(pk=membership.user.pk).has_usable_password()


@pytest.mark.django_db
def test_invitation_link_is_built_from_shop_url_not_a_forged_host(client_a, settings):
    settings.SHOP_URL = "https://butikk.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    client_a.post(
        reverse("accounts:user_add"),
        {"email": "kollega@a.example", "name": "Kari", "role": Role.BUYER},
        HTTP_HOST="evil.example",
    )
    row = OutboundEmail.objects.get(kind="accounts.invitation")
    assert row.context["url"].startswith("https://butikk.example/konto/invitasjon/")
    assert "evil.example" not in str(row.context)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_invitation_token_exactly_one_wins(admin_a):
    membership, _, link = _invite(admin_a)
    statuses = _race(link, lambda client, password: _set(client, link, password))
    assert sorted(statuses.values()) == [302, 410], statuses
    winner = next(p for p, s in statuses.items() if s == 302)
    assert User.objects.get(pk=membership.user.pk).check_password(winner)


def _race(link, submit, prepare=lambda client: None):
    """Two clients submit at the same instant; returns {password: status}."""
    clients = {NEW: Client(), OTHER: Client()}
    for client in clients.values():
        prepare(client)
    barrier = threading.Barrier(2)
    statuses = {}

    def run(password):
        try:
            barrier.wait(5)
            statuses[password] = submit(clients[password], password).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


# --- «Mistet passord?» (allauth) ------------------------------------------------------------------------


def _request_reset(client, email, **extra):
    client.post(reverse("account_reset_password"), {"email": email}, **extra)
    row = OutboundEmail.objects.filter(kind="accounts.password_reset_key", to=email).latest("pk")
    return row, link_in(row.context["password_reset_url"], "/konto/")


def _open(client, link):
    """GET the emailed link: allauth moves the key into the session and redirects to the form."""
    response = client.get(link, follow=True)
    return response.redirect_chain[-1][0] if response.redirect_chain else link


def _reset_with(client, link, password=NEW):
    return client.post(_open(client, link), {"password1": password, "password2": password})


@pytest.fixture
def member(customer_a):
    return MembershipFactory(customer=customer_a, user__email="glemsk@a.example", user__password=PASSWORD).user


@pytest.mark.django_db
def test_reset_link_get_changes_nothing_and_post_works_once(client, member):
    _, link = _request_reset(client, member.email)
    before = _state(member)
    for _ in range(3):
        client.get(link, follow=True)
    assert _state(member) == before
    _reset_with(client, link)
    assert User.objects.get(pk=member.pk).check_password(NEW)
    _reset_with(Client(), link, OTHER)
    assert User.objects.get(pk=member.pk).check_password(NEW)


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "works"), [(-1, True), (0, True), (1, False)])
def test_reset_link_expires_exactly_at_password_reset_timeout(client, member, settings, monkeypatch, offset, works):
    _, link = _request_reset(client, member.email)
    from datetime import timedelta

    real_now = ActiveUserPasswordResetTokenGenerator._now
    moved = real_now(None) + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + offset)
    monkeypatch.setattr(ActiveUserPasswordResetTokenGenerator, "_now", lambda self: moved)
    _reset_with(client, link)
    assert User.objects.get(pk=member.pk).check_password(NEW) is works


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["key", "uid", "truncate"])
def test_a_tampered_reset_link_is_refused(client, member, tamper):
    _, link = _request_reset(client, member.email)
    prefix, token = link.rstrip("/").rsplit("/", 1)
    uid, key = token.split("-", 1)
    other = UserFactory()
    bad = {
        "key": f"{uid}-{key[:-1]}{'a' if key[-1] != 'a' else 'b'}",
        "uid": f"{int(other.pk):x}-{key}",
        "truncate": f"{uid}-{key[:10]}",
    }[tamper]
    _reset_with(client, f"{prefix}/{bad}/")
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
    assert not User.objects.get(pk=other.pk).check_password(NEW)


@pytest.mark.django_db
def test_reset_link_dies_when_the_email_changes(client, member):
    _, link = _request_reset(client, member.email)
    User.objects.filter(pk=member.pk).update(email="ny.adresse@a.example")
    _reset_with(client, link)
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)


@pytest.mark.django_db
def test_a_user_deactivated_after_the_reset_mail_cannot_get_back_in(client, member):
    _, link = _request_reset(client, member.email)
    User.objects.filter(pk=member.pk).update(is_active=False)
    _reset_with(client, link)
    assert User.objects.get(pk=member.pk).check_password(PASSWORD)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_reset_link_is_built_from_shop_url_not_a_forged_host(client, member, settings):
    settings.SHOP_URL = "https://butikk.example"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    row, _ = _request_reset(client, member.email, HTTP_HOST="evil.example")
    assert row.context["password_reset_url"].startswith("https://butikk.example/konto/password/reset/key/")
    assert "evil.example" not in str(row.context)
    from core.email import email_render

    message = email_render(row)
    assert "evil.example" not in message.body
    assert "evil.example" not in message.alternatives[0][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_reset_link_exactly_one_wins(customer_a):
    member = MembershipFactory(customer=customer_a, user__email="samtidig@a.example", user__password=PASSWORD).user
    _, link = _request_reset(Client(), member.email)
    forms = {}

    def prepare(client):
        forms[id(client)] = _open(client, link)

    def submit(client, password):
        return client.post(forms[id(client)], {"password1": password, "password2": password}, follow=True)

    statuses = _race(link, submit, prepare)
    assert sorted(statuses.values()) == [200, 200], statuses  # both land on a page, no 500
    user = User.objects.get(pk=member.pk)
    winners = [p for p in (NEW, OTHER) if user.check_password(p)]
    assert len(winners) == 1
    changed = OutboundEmail.objects.filter(kind="accounts.password_reset", to=member.email).count()
    assert changed == 1, f"{changed} «passordet ble endret» notices: both submits went through"
