import hashlib
import hmac
import re
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core.models import OutboundEmail
from migration.models import CustomerMove, EventKind, MigrationEvent, MoveInterest, State
from migration.services import legacy_account_submit_move

from .conftest import LEGACY_PASSWORD, legacy_login


def test_wrong_password_and_unknown_username_get_the_same_answer(client, legacy_account):
    wrong = legacy_login(client, legacy_account.username, "feil")
    unknown = legacy_login(client, "finnesikke", "feil")
    assert wrong.status_code == unknown.status_code == 200
    message = "Feil brukernavn eller passord"
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_user_shut_out_of_the_old_shop_cannot_log_in(client, make_legacy_account):
    account = make_legacy_account(is_active=False)
    response = legacy_login(client, account.username)
    assert "Feil brukernavn eller passord" in response.content.decode()


def test_not_flagged_customer_shows_not_ready_with_interest_and_way_on(client, legacy_account):
    response = legacy_login(client, legacy_account.username.upper())
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "ikke klart til å flytte" in html
    assert "Meld interesse" in html and "Fortsett til dagens nettbutikk" in html
    assert "Flytt meg til ny nettbutikk" not in html


def test_meld_interesse_reaches_the_branch_and_the_customer_admin_page(
    client, legacy_account, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    legacy_login(client, legacy_account.username)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/flytt/interesse/", {"message": "Vi vil gjerne flytte før jul."}, follow=True)
    assert "har fått beskjed" in response.content.decode()
    interest = MoveInterest.objects.get()
    assert interest.customer == legacy_account.customer and interest.account == legacy_account
    assert mailoutbox[0].to == [legacy_account.customer.branch.email]
    assert "Vi vil gjerne flytte før jul." in mailoutbox[0].body
    client.force_login(staff_user)
    html = client.get(f"/admin/accounts/customer/{legacy_account.customer.pk}/change/").content.decode()
    assert "Vi vil gjerne flytte før jul." in html


def test_flagged_before_deadline_shows_move_form_and_utsett(client, legacy_account, flag):
    flag(legacy_account.customer)
    legacy_login(client, legacy_account.username)
    html = client.get("/flytt/konto/").content.decode()
    assert "Flytt meg til ny nettbutikk" in html and "Utsett" in html
    assert f'value="{legacy_account.email}"' in html and f'value="{legacy_account.name}"' in html


def test_flagged_past_deadline_shows_move_form_only(client, legacy_account, flag):
    flag(legacy_account.customer, days=14)
    # Time travel: the deadline was yesterday.
    CustomerMove.objects.filter(customer=legacy_account.customer).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    legacy_login(client, legacy_account.username)
    html = client.get("/flytt/konto/").content.decode()
    assert "Flytt meg til ny nettbutikk" in html
    assert "Utsett" not in html
    assert "Fristen for å flytte var" in html
    response = client.post("/flytt/utsett/", follow=True)
    assert "kan ikke utsettes" in response.content.decode()
    legacy_account.refresh_from_db()
    assert legacy_account.state == State.INVITED


def test_already_moved_user_is_told_to_use_the_new_shop(client, legacy_account, flag):
    flag(legacy_account.customer)
    legacy_account_submit_move(account=legacy_account, name="A", email="ny@firma.example")
    legacy_account.refresh_from_db()
    legacy_account.state = State.ACTIVATED
    legacy_account.legacy_access = False
    legacy_account.save()
    response = legacy_login(client, legacy_account.username)
    html = client.get(response["Location"]).content.decode()
    assert "Du har flyttet til den nye nettbutikken" in html
    assert "ny@firma.example" in html
    assert (
        "Du er logget inn i dagens nettbutikk" not in client.get("/flytt/dagens-nettbutikk/").content.decode()
    )


def test_legacy_forgot_password_by_username_emails_the_address_on_file(
    client, legacy_account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/flytt/glemt-passord/", {"username": legacy_account.username})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/flytt/glemt-passord/", {"username": "finnesikke"})

    def strip(response):
        main = re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)
        return main.replace(legacy_account.username, "X").replace("finnesikke", "X")

    assert strip(known) == strip(unknown)  # no enumeration
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [legacy_account.email]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/flytt/glemt-passord/" in line).strip()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"password1": "Et helt nytt passord", "password2": "Et helt nytt passord"})
    assert response.status_code == 302
    assert legacy_login(client, legacy_account.username, "Et helt nytt passord").status_code == 302
    assert legacy_login(client, legacy_account.username, LEGACY_PASSWORD).status_code == 200
    assert client.get(path).status_code == 400  # single use


def test_legacy_forgot_password_is_rate_limited(client, legacy_account):
    statuses = [
        client.post("/flytt/glemt-passord/", {"username": legacy_account.username}).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429
    assert OutboundEmail.objects.filter(kind="migration.legacy_reset").count() == 3


def test_gate_login_is_rate_limited(client, legacy_account):
    statuses = [legacy_login(client, legacy_account.username, "feil").status_code for _ in range(10)]
    assert 429 in statuses
    assert "For mange forsøk" in legacy_login(client, legacy_account.username).content.decode()


def _handoff_url(username, ts, secret="delt-hemmelighet"):
    sig = hmac.new(secret.encode(), f"{username}:{ts}".encode(), hashlib.sha256).hexdigest()
    return f"/flytt/overlevering/?username={username}&ts={ts}&sig={sig}"


@override_settings(LEGACY_HANDOFF_SECRET="delt-hemmelighet")
def test_signed_handoff_logs_the_legacy_user_in_once(client, legacy_account):
    url = _handoff_url(legacy_account.username, int(time.time()))
    response = client.get(url)
    assert response["Location"] == "/flytt/konto/"
    assert "ikke klart til å flytte" in client.get("/flytt/konto/").content.decode()
    other = client.__class__()
    assert other.get(url)["Location"] == "/flytt/"  # replay refused


@override_settings(LEGACY_HANDOFF_SECRET="delt-hemmelighet")
@pytest.mark.parametrize("case", ["old", "bad-signature"])
def test_expired_or_forged_handoff_is_refused(client, legacy_account, case):
    ts = int(time.time()) - (301 if case == "old" else 0)
    url = _handoff_url(
        legacy_account.username, ts, "annen" if case == "bad-signature" else "delt-hemmelighet"
    )
    assert client.get(url)["Location"] == "/flytt/"
    assert client.get("/flytt/konto/")["Location"] == "/flytt/"


def test_handoff_is_disabled_without_a_secret(client, legacy_account):
    assert client.get(_handoff_url(legacy_account.username, int(time.time()))).status_code == 404


def test_gate_login_records_no_password_in_events(client, legacy_account):
    legacy_login(client, legacy_account.username)
    assert not MigrationEvent.objects.filter(detail__contains=LEGACY_PASSWORD).exists()
    assert not MigrationEvent.objects.filter(kind=EventKind.LEGACY_LOGIN).exists()
