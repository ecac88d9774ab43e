"""«Mistet passord?», password change, and the «passordet ble endret» notices."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from core.models import OutboundEmail
from tests.accounts.conftest import email_links, link_in, outbox, page_text
from tests.fixtures.data import PASSWORD
from tests.fixtures.services import message_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ny sommer på Åsane 2026"


def request_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def reset_link(email):
    row = OutboundEmail.objects.filter(kind="accounts.password_reset_key", to=email).latest("pk")
    return link_in(email_links(row)["password_reset_url"], "/konto/")


def test_reset_answer_is_the_same_for_known_and_unknown_emails(client, buyer_member):
    known = request_reset(client, buyer_member.user.email)
    unknown = request_reset(client, "finnes.ikke@firma.example")
    assert known.redirect_chain == unknown.redirect_chain
    assert page_text(known) == page_text(unknown)
    assert "Sjekk e-posten din" in page_text(known)


def test_reset_mail_goes_through_the_outbox_in_norwegian_with_a_shop_url_link(
    client, buyer_member, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SHOP_URL = "https://butikk.example"
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, buyer_member.user.email)
    row = OutboundEmail.objects.get(kind="accounts.password_reset_key")
    assert row.status == OutboundEmail.Status.SENT
    assert row.context == {}, "a sent row keeps no content (core.links: no live link at rest)"
    [mail] = mailoutbox
    emailed = re.search(r"https?://\S+/key/\S+", mail.body).group(0)
    assert emailed.startswith("https://butikk.example/konto/password/reset/key/")
    assert mail.to == [buyer_member.user.email]
    assert mail.subject == "Lag nytt passord i Elektrogrossisten"
    assert "https://butikk.example/konto/password/reset/key/" in mail.body
    assert "Lenken virker i 2 timer" in mail.body
    html = mail.alternatives[0][0]
    assert "Lag nytt passord" in html and "<html" in html


def test_each_reset_request_is_its_own_email(client, buyer_member):
    request_reset(client, buyer_member.user.email)
    request_reset(client, buyer_member.user.email)
    assert len(outbox("accounts.password_reset_key")) == 2


def test_unknown_email_gets_a_norwegian_no_account_mail_and_no_reset_link(client):
    request_reset(client, "finnes.ikke@firma.example")
    [row] = outbox()
    assert row.kind == "accounts.unknown_account"
    assert "password_reset_url" not in row.context or "/key/" not in row.context["password_reset_url"]


def test_full_reset_then_log_in_with_the_new_password(client, buyer_member):
    request_reset(client, buyer_member.user.email)
    link = reset_link(buyer_member.user.email)
    form_page = client.get(link, follow=True)
    assert "Lag nytt passord" in page_text(form_page)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert "Passordet er endret" in page_text(done)
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.check_password(NEW_PASSWORD)  # spaces and æøå kept as typed
    assert outbox("accounts.password_reset"), "a «passordet ble endret» notice is queued"
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": buyer_member.user.email, "password": NEW_PASSWORD}, follow=True
    )
    assert response.context["user"] == buyer_member.user


def test_a_reset_link_works_once(client, buyer_member):
    request_reset(client, buyer_member.user.email)
    link = reset_link(buyer_member.user.email)
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert "Lenken virker ikke" in page_text(again)


def test_a_reset_link_mailed_before_deactivation_is_dead(client, buyer_member):
    request_reset(client, buyer_member.user.email)
    link = reset_link(buyer_member.user.email)
    user = buyer_member.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    page = client.get(link, follow=True)
    assert "Lenken virker ikke" in page_text(page)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_a_deactivated_user_gets_no_reset_link(client, buyer_member):
    buyer_member.user.is_active = False
    buyer_member.user.save(update_fields=["is_active"])
    request_reset(client, buyer_member.user.email)
    assert not outbox("accounts.password_reset_key")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-1", "minst 12"),
        ("password1234", "for vanlig"),
        ("x" * 129, "høyst 128"),
    ],
)
def test_weak_new_passwords_are_refused_with_a_field_message(client, buyer_member, password, message):
    request_reset(client, buyer_member.user.email)
    page = client.get(reset_link(buyer_member.user.email), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"password1": password, "password2": password})
    assert response.status_code == 200
    assert message in page_text(response).lower()
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.check_password(PASSWORD)


def test_a_64_character_passphrase_is_accepted(client, buyer_member):
    passphrase = "elektrikeren gikk over brua med en kabeltrommel i sekken, i regn"
    assert len(passphrase) >= 64
    request_reset(client, buyer_member.user.email)
    page = client.get(reset_link(buyer_member.user.email), follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": passphrase, "password2": passphrase})
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.check_password(passphrase)


def test_password_change_needs_the_current_password(client, buyer_member):
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "feil-passord-123", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.check_password(PASSWORD)


def test_password_change_ends_every_session_and_sends_a_notice(client, buyer_member, django_user_model):
    from django.test import Client

    other_device = Client()
    other_device.force_login(buyer_member.user)
    client.force_login(buyer_member.user)
    page = client.get(reverse("account_change_password"))
    assert "Lagre endringer" in page_text(page)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert not response.context["user"].is_authenticated
    assert "Passordet er endret." in page_text(response)
    assert not other_device.get(reverse("accounts:profile")).wsgi_request.user.is_authenticated
    [notice] = outbox("accounts.password_changed")
    assert notice.to == buyer_member.user.email


def test_password_changed_notice_reads_passordet_ble_endret(
    client, buyer_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(buyer_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    [mail] = mailoutbox
    assert mail.subject == "Passordet ble endret"
    assert "Mistet passord?" in message_text(mail.message())


def test_session_store_holds_no_user_after_logout(client, buyer_member):
    client.force_login(buyer_member.user)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert SESSION_KEY not in SessionStore(session_key=key).load()
