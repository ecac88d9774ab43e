"""The legacy gate's session and the move-form link are bound to the state they were made for.

- A gate session (a guessed weak legacy password, say) ends when the owner sets a new legacy
  password, when the account moves or is re-activated, and after LEGACY_SESSION_MAX_AGE (2 hours).
- A move-form link dies when staff correct the email on file or the move form has been sent.
- A hand-off link with a signature that is not hex is refused with the gate, never a 500.
"""

from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core.models import OutboundEmail
from migration.models import LegacyAccount, State
from migration.services import (
    customer_flag_for_move,
    invitation_token,
    legacy_account_submit_move,
    legacy_reset_token,
)
from tests.accounts.conftest import email_links
from tests.migration.conftest import LegacyAccountFactory, default_deadline, legacy_login

NEW = "Et helt nytt og langt passord 7"
SESSION = "migration.legacy_account"


@pytest.fixture
def flagged_account(customer_a):
    account = LegacyAccountFactory(customer=customer_a, username="eier", is_main_user=True)
    customer_flag_for_move(customer=customer_a, deadline=default_deadline())
    account.refresh_from_db()
    return account


def _logged_in(client):
    response = client.get("/flytt/konto/")
    return response.status_code == 200 and SESSION in client.session


@pytest.mark.django_db
def test_a_new_legacy_password_logs_the_other_gate_session_out(flagged_account):
    intruder, owner = Client(), Client()
    assert legacy_login(intruder, flagged_account.username).status_code == 302
    assert _logged_in(intruder)
    # The intruder's login upgraded the stored hash (secmig), which a reset link is bound to: the
    # owner's link is made from the account as it is now.
    flagged_account.refresh_from_db()
    token = legacy_reset_token(flagged_account)
    owner.post(f"/flytt/glemt-passord/{token}/", {"password1": NEW, "password2": NEW})
    assert _logged_in(owner)

    assert intruder.get("/flytt/konto/")["Location"] == "/flytt/"
    # and the move form, posted with the intruder's own address, does nothing
    response = intruder.post("/flytt/konto/", {"name": "Inntrenger", "email": "inntrenger@x.example", "phone": ""})
    assert response["Location"] == "/flytt/"
    assert not User.objects.filter(email="inntrenger@x.example").exists()
    assert LegacyAccount.objects.get(pk=flagged_account.pk).state == State.INVITED


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["moved", "re-activated", "shut out"])
def test_a_state_change_elsewhere_logs_the_gate_session_out(flagged_account, change):
    client = Client()
    legacy_login(client, flagged_account.username)
    assert _logged_in(client)
    fields = {
        "moved": {"state": State.ACTIVATED, "legacy_access": False},
        "re-activated": {"state": State.REACTIVATED},
        "shut out": {"is_active": False},
    }[change]
    LegacyAccount.objects.filter(pk=flagged_account.pk).update(**fields)
    assert client.get("/flytt/konto/")["Location"] == "/flytt/"
    assert SESSION not in client.session


@pytest.mark.django_db
def test_the_gate_session_survives_the_sessions_own_steps(flagged_account, client):
    legacy_login(client, flagged_account.username)
    client.post("/flytt/utsett/")
    assert _logged_in(client)
    client.post("/flytt/konto/", {"name": "Eier", "email": "eier@a.example", "phone": ""})
    assert "Sjekk e-posten din" in client.get("/flytt/konto/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("offset", "works"), [(-1, True), (0, True), (1, False)])
def test_the_gate_session_lasts_two_hours(flagged_account, client, settings, monkeypatch, offset, works):
    import time

    assert settings.LEGACY_SESSION_MAX_AGE == 2 * 60 * 60
    made_at = float(int(time.time()))
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: made_at))
    legacy_login(client, flagged_account.username)
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: made_at + 7200 + offset))
    assert _logged_in(client) is works


# --- move-form links ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_correction_of_the_email_revokes_the_old_move_form_link(flagged_account, client):
    row = OutboundEmail.objects.get(kind="migration.invitation", to=flagged_account.email)
    old_link = email_links(row)["move_url"]
    account = LegacyAccount.objects.get(pk=flagged_account.pk)
    account.email = "riktig.adresse@a.example"
    account.save(update_fields=["email", "updated_at"])

    old_path = "/" + old_link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(old_path).status_code == 400
    assert SESSION not in client.session
    new = invitation_token(account, default_deadline())
    assert client.get(f"/flytt/invitasjon/{new}/")["Location"] == "/flytt/konto/"


@pytest.mark.django_db
def test_the_move_form_link_is_used_up_once_the_form_is_sent(flagged_account, client):
    token = invitation_token(flagged_account, default_deadline())
    assert client.get(f"/flytt/invitasjon/{token}/").status_code == 302
    legacy_account_submit_move(account=flagged_account, name="Eier", email="eier@a.example")
    assert Client().get(f"/flytt/invitasjon/{token}/").status_code == 400


@pytest.mark.django_db
def test_the_move_form_link_still_works_after_utsett(flagged_account, client):
    token = invitation_token(flagged_account, default_deadline())
    legacy_login(client, flagged_account.username)
    client.post("/flytt/utsett/")
    assert Client().get(f"/flytt/invitasjon/{token}/").status_code == 302


@pytest.mark.django_db
def test_the_move_form_link_lasts_through_the_deadline_day(flagged_account):
    token = invitation_token(flagged_account, timezone.localdate())
    assert Client().get(f"/flytt/invitasjon/{token}/").status_code == 302


# --- the hand-off ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sig",
    ["ø" * 64, "zz" * 32, "0x" + "a" * 62, "a" * 63, "\x00"],
    ids=["non-ascii", "not-hex", "0x-prefix", "too-short", "nul"],
)
def test_a_handoff_with_a_signature_that_is_not_hex_is_refused_not_a_500(client, flagged_account, settings, sig):
    import time

    settings.LEGACY_HANDOFF_SECRET = "delt-hemmelighet-for-test"
    response = client.get(
        "/flytt/overlevering/", {"username": flagged_account.username, "ts": str(int(time.time())), "sig": sig}
    )
    assert response.status_code == 302 and response["Location"] == "/flytt/"
    assert SESSION not in client.session
