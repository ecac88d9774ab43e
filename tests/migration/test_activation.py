from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from accounts.tenancy import SESSION_KEY as CUSTOMER_KEY
from core.links import link_sign
from core.models import OutboundEmail
from migration.models import EventKind, MigrationEvent, State
from migration.services import legacy_account_submit_move
from tests.accounts.conftest import email_links

from .conftest import legacy_login

NEW_PASSWORD = "lang og trygg setning 2026"


@pytest.fixture
def submitted(legacy_account, flag):
    flag(legacy_account.customer)
    result = legacy_account_submit_move(account=legacy_account, name="Ny", email="ny@firma.example")
    return result


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def activation_path(user):
    return f"/flytt/aktiver/{link_sign('activation', user)}/"


def test_activation_sets_password_logs_in_and_closes_legacy_access(client, submitted):
    user, account = submitted.user, submitted.account
    path = path_of(email_links(OutboundEmail.objects.get(kind="migration.activation"))["activation_url"])
    assert "Lagre passord og logg inn" in client.get(path).content.decode()
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session[CUSTOMER_KEY] == account.customer_id
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    account.refresh_from_db()
    assert account.state == State.ACTIVATED and account.legacy_access is False
    assert MigrationEvent.objects.filter(account=account, kind=EventKind.ACTIVATED, actor=user).exists()
    # Legacy login now says "moved".
    client.logout()
    html = client.get(legacy_login(client, account.username)["Location"]).content.decode()
    assert "Du har flyttet" in html


def test_activation_link_is_single_use(client, submitted):
    path = activation_path(submitted.user)
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.post(path, {"new_password1": "noe helt annet 123", "new_password2": "noe helt annet 123"})
    assert again.status_code == 400
    assert "allerede brukt" in again.content.decode()


def test_activation_link_expires(client, submitted, settings):
    path = activation_path(submitted.user)
    later = timezone.now() + timedelta(days=settings.ACTIVATION_TIMEOUT_DAYS, minutes=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("time.time", lambda: later.timestamp())
        response = client.get(path)
    assert response.status_code == 400 and "utløpt" in response.content.decode()


@pytest.mark.parametrize("password", ["kort", "password1234", "ny@firma.example"])
def test_weak_passwords_are_refused_with_a_message(client, submitted, password):
    response = client.post(
        activation_path(submitted.user), {"new_password1": password, "new_password2": password}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    submitted.account.refresh_from_db()
    assert submitted.account.state == State.SUBMITTED


def test_deactivated_user_cannot_activate(client, submitted):
    # The move form creates the user inactive (PRODUCT.md step 4), so unticking «Aktiv» cannot shut
    # a pending user out; staff close the legacy account instead (tests/security/
    # test_membership_before_proof.py covers a user deactivated after using the shop).
    path = activation_path(submitted.user)
    submitted.account.is_active = False
    submitted.account.save(update_fields=["is_active"])
    assert client.get(path).status_code == 400


def test_aktiver_sends_a_fresh_link_only_to_a_waiting_user_with_one_answer(
    client, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/flytt/aktiver/", {"email": "NY@firma.example"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/flytt/aktiver/", {"email": "ukjent@firma.example"})
    assert known.status_code == unknown.status_code == 200
    assert (
        "venter på aktivering" in known.content.decode()
        and "venter på aktivering" in unknown.content.decode()
    )
    assert [m.to for m in mailoutbox] == [["ny@firma.example"]]
    link = path_of(next(line for line in mailoutbox[0].body.split() if "/flytt/aktiver/" in line))
    assert (
        client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    )


def test_aktiver_is_rate_limited(client, submitted):
    statuses = [client.post("/flytt/aktiver/", {"email": "ny@firma.example"}).status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert OutboundEmail.objects.filter(kind="migration.activation").count() == 1 + 3


def test_aktiver_for_an_activated_user_sends_nothing(client, submitted, mailoutbox):
    client.post(
        activation_path(submitted.user), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    before = OutboundEmail.objects.count()
    client.post("/flytt/aktiver/", {"email": "ny@firma.example"})
    assert OutboundEmail.objects.count() == before


def test_activation_and_invitation_emails_have_html_and_text(
    submitted, mailoutbox, django_capture_on_commit_callbacks
):
    from core.delivery import email_render

    for row in OutboundEmail.objects.all():
        message = email_render(row)
        assert message.alternatives and "<html" in message.alternatives[0][0]
        assert "{{" not in message.body and "{%" not in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_activation_with_one_link_succeeds_once(customer):
    import threading

    from django.db import connection
    from django.test import Client

    from migration.services import customer_flag_for_move

    from .conftest import LegacyAccountFactory, default_deadline

    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL row locks")
    account = LegacyAccountFactory(customer=customer)
    customer_flag_for_move(customer=customer, deadline=default_deadline())
    result = legacy_account_submit_move(account=account, name="N", email="samtidig@firma.example")
    path = activation_path(result.user)
    barrier = threading.Barrier(2)
    statuses = []

    def activate(password):
        try:
            barrier.wait()
            statuses.append(
                Client().post(path, {"new_password1": password, "new_password2": password}).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=activate, args=(p,)) for p in (NEW_PASSWORD, "en annen lang setning 99")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 400]
    assert MigrationEvent.objects.filter(kind=EventKind.ACTIVATED).count() == 1
