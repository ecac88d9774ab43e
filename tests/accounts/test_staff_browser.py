"""Staff journeys in Chromium: create_staff → email → password → TOTP set-up → a branch's admin,
and a passkey through Chromium's virtual authenticator (DevTools WebAuthn domain)."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import Branch
from migration.models import CustomerMove
from tests.factories import CustomerFactory, UserFactory
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import ensure_staff_roles, next_totp_code, totp_code
from tests.migration.conftest import LegacyAccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Lageret i Oslo har 40 hyller"


def shoot(page, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page, email, password):
    page.goto("/admin/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")


def test_new_branch_employee_from_create_staff_to_the_move_button(page, live_server, settings):
    settings.SHOP_URL = live_server.url
    ensure_staff_roles()
    oslo = Branch.objects.create(code="OSL", name="Oslo", email="oslo@grossist.example")
    bergen = Branch.objects.create(code="BGO", name="Bergen", email="bergen@grossist.example")
    mine = CustomerFactory(branch=oslo, number="40001", name="Strømlinje AS")
    theirs = CustomerFactory(branch=bergen, number="50001", name="Vestlys AS")
    LegacyAccountFactory(customer=mine, email="siv@stromlinje.example", is_main_user=True)

    call_command("create_staff", "ola@grossist.example", "--name", "Ola Lager", "--branch", "OSL")
    [message] = [m for m in mail.outbox if m.to == ["ola@grossist.example"]]
    link = re.search(r"https?://\S+/konto/ansatt/passord/\S+/", message.body).group(0)
    assert "Oslo" in message.body and "Avdelingsansatt" in message.body

    page.goto(link)
    assert_accessible(page, label="staff set password")
    page.get_by_label("Nytt passord").fill(NEW_PASSWORD)
    page.get_by_label("Gjenta passordet").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lagre passord").click()

    # The first login is sent to set up the second factor before any admin page.
    page.wait_for_url(re.compile(r"/konto/login/"))
    page.fill("input[name=login]", "ola@grossist.example")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/2fa/$"))
    page.get_by_role("heading", name="To-trinns innlogging").wait_for()
    assert_accessible(page, label="mfa index")
    shoot(page, "staff-mfa-index")
    page.goto("/admin/accounts/customer/")
    page.wait_for_url(re.compile(r"/konto/2fa/$"))

    page.get_by_role("link", name="Sett opp kodeapp").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    assert_accessible(page, label="totp setup")
    shoot(page, "staff-totp-setup")
    setup_code = totp_code(secret)
    page.get_by_label("Kode fra appen").fill(setup_code)
    page.get_by_role("button", name="Slå på").click()
    page.get_by_role("heading", name="Reservekoder").wait_for()
    assert page.locator("#recovery_codes li").count() == 10
    shoot(page, "staff-recovery-codes")
    page.get_by_role("link", name="Jeg har lagret kodene – til administrasjonen").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    # Only the branch's customers; another branch's customer is a 404.
    page.goto("/admin/accounts/customer/")
    listing = page.locator("#result_list").inner_text()
    assert "40001" in listing and "50001" not in listing
    screenshot(page, "staff-branch-customers-1280")
    response = page.goto(f"/admin/accounts/customer/{theirs.pk}/change/")
    assert response.status == 404

    # The move button works for an own-branch customer.
    page.goto(f"/admin/accounts/customer/{mine.pk}/change/")
    page.get_by_role("link", name="Flytt til ny nettbutikk").click()
    page.get_by_text("Frist for å flytte").wait_for()
    page.click("input[type=submit][value='Flytt til ny nettbutikk']")
    page.get_by_text("1 kunder flyttes nå").wait_for()
    assert CustomerMove.objects.get(customer=mine).is_flagged
    assert not CustomerMove.objects.filter(customer=theirs).exists()

    # A later login asks for the code.
    page.context.clear_cookies()
    log_in(page, "ola@grossist.example", NEW_PASSWORD)
    page.wait_for_url(re.compile(r"/konto/2fa/authenticate/"))
    assert_accessible(page, label="mfa authenticate")
    shoot(page, "staff-mfa-authenticate")
    page.get_by_label("Kode").fill(next_totp_code(secret, used=setup_code))
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_passkey_set_up_and_login_with_chromiums_virtual_authenticator(page, live_server, settings):
    settings.SHOP_URL = live_server.url
    UserFactory(email="it@grossist.example", is_staff=True, is_superuser=True, password=PASSWORD)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    log_in(page, "it@grossist.example", PASSWORD)
    page.wait_for_url(re.compile(r"/konto/2fa/$"))
    page.get_by_role("link", name="Legg til passnøkkel").first.click()
    page.get_by_label("Navn").fill("Jobb-PC")
    assert_accessible(page, label="add passkey")
    page.get_by_role("button", name="Legg til", exact=True).click()
    page.wait_for_url(re.compile(r"/konto/2fa/(recovery-codes/)?$"))
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/$"))

    page.context.clear_cookies()
    log_in(page, "it@grossist.example", PASSWORD)
    page.wait_for_url(re.compile(r"/konto/2fa/authenticate/"))
    page.get_by_role("button", name="Bruk passnøkkel").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    # leave nothing behind in the session-wide browser
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator_id})
    cdp.send("WebAuthn.disable")
    cdp.detach()
