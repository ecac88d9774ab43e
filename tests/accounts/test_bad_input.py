"""Bad input on the allauth forms gives a Norwegian field message and never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import email_links, page_text
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db

BAD_EMAILS = ["", "ikke-en-adresse", "<script>alert(1)</script>", "a" * 300 + "@firma.example", "ø@æå"]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_login_with_bad_email_gives_a_message_and_no_500(client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": "noe"})
    assert response.status_code == 200
    text = page_text(response)
    assert any(
        m in text
        for m in ("Feltet er påkrevet.", "E-postadressen og/eller passordet", "færre tegn", "gyldig")
    )
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_reset_with_bad_email_gives_a_field_message_and_no_500(client, email):
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 200
    text = page_text(response)
    assert "Feltet er påkrevet." in text or "gyldig e-postadresse" in text or "færre tegn" in text
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_empty_password_change_gives_field_messages(client, buyer_member):
    client.force_login(buyer_member.user)
    response = client.post(reverse("account_change_password"), {})
    assert response.status_code == 200
    assert page_text(response).count("Feltet er påkrevet.") == 3


def test_a_password_reset_ends_the_users_other_sessions(client, buyer_member):
    from core.models import OutboundEmail
    from tests.accounts.conftest import link_in

    other_device = Client()
    other_device.force_login(buyer_member.user)
    client.post(reverse("account_reset_password"), {"email": buyer_member.user.email})
    row = OutboundEmail.objects.get(kind="accounts.password_reset_key")
    page = client.get(link_in(email_links(row)["password_reset_url"], "/konto/"), follow=True)
    new_password = "En helt ny og lang frase"
    client.post(page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert not other_device.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated
    assert new_password != PASSWORD
