"""The domain switch: an activation link emailed with the beta address still works on the main one."""

import pytest

from core.models import OutboundEmail
from migration.models import State
from migration.services import legacy_account_submit_move
from tests.accounts.conftest import email_links

from .conftest import LEGACY_PASSWORD, LegacyAccountFactory

pytestmark = pytest.mark.django_db


def test_an_activation_link_sent_with_the_beta_address_works_after_the_switch(settings, client, customer, flag):
    settings.SHOP_URL = "https://beta.butikk.example"
    settings.ALLOWED_HOSTS = ["beta.butikk.example"]
    account = LegacyAccountFactory(customer=customer)
    flag(customer)
    result = legacy_account_submit_move(account=account, name="Ny", email="ny@firma.example")
    # The link as the email sent before the switch carries it (rendered with the beta SHOP_URL).
    link = email_links(OutboundEmail.objects.get(kind="migration.activation"))["activation_url"]
    assert link.startswith("https://beta.butikk.example/flytt/aktiver/")

    settings.SHOP_URL = "https://butikk.example"
    settings.SHOP_URL_ALIASES = ["https://beta.butikk.example"]
    settings.ALLOWED_HOSTS = ["butikk.example", "beta.butikk.example"]
    settings.LEGACY_SHOP_URL = "https://gammel.butikk.example/"
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    moved = client.get(path, HTTP_HOST="beta.butikk.example", secure=True)
    assert moved.status_code == 301 and moved["Location"] == f"https://butikk.example{path}"
    page = client.get(path, HTTP_HOST="butikk.example", secure=True)
    assert "Lagre passord og logg inn" in page.content.decode()
    password = "lang og trygg setning 2026"
    done = client.post(path, {"new_password1": password, "new_password2": password},
                       HTTP_HOST="butikk.example", secure=True)
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.state == State.ACTIVATED and result.user.pk == account.user_id
    # A colleague still to move logs in at the gate on the new address; «Utsett» continues into the old
    # shop at its new address.
    other = LegacyAccountFactory(customer=customer)
    client.logout()
    response = client.post("/flytt/", {"username": other.username, "password": LEGACY_PASSWORD},
                           HTTP_HOST="butikk.example", secure=True)
    assert response.status_code == 302
    postponed = client.post("/flytt/utsett/", HTTP_HOST="butikk.example", secure=True)
    assert postponed["Location"] == "https://gammel.butikk.example/"
