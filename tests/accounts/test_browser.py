"""Browser journeys (Playwright on Debian's Chromium): what a customer actually clicks through."""

import re

import pytest

from accounts.models import User
from tests.accounts.conftest import link_in
from tests.fixtures.browser import assert_accessible, has_horizontal_scroll, screenshot
from tests.fixtures.data import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email, password=PASSWORD):
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Logg inn").click()
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord", exact=True).fill(password)
    page.get_by_role("button", name="Logg inn").click()


def at_375(page, name):
    page.set_viewport_size({"width": 375, "height": 800})
    assert not has_horizontal_scroll(page), f"{name} scrolls sideways at 375 px"
    screenshot(page, f"accounts-{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_log_in_from_the_top_right_and_a_wrong_password_shows_a_clear_error(page, buyer_member):
    page.goto("/")
    page.locator(".site-header").get_by_role("link", name="Logg inn").click()
    assert page.get_by_role("heading", name="Logg inn").is_visible()
    assert_accessible(page, label="login")
    screenshot(page, "accounts-login-1280")
    at_375(page, "login")
    page.get_by_label("E-post").fill(buyer_member.user.email)
    page.get_by_label("Passord", exact=True).fill("feil-passord-123")
    page.get_by_role("button", name="Logg inn").click()
    error = page.locator(".form-errors")
    assert "E-postadressen og/eller passordet" in error.inner_text()
    assert_accessible(page, label="login with error")
    screenshot(page, "accounts-login-error-1280")
    page.get_by_label("Passord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    assert page.locator(".user-menu-name").inner_text().strip() == buyer_member.user.get_short_name()


def test_lost_password_email_new_password_then_log_in(page, buyer_member, mailoutbox):
    new_password = "Ny passordfrase for vinteren"
    page.goto("/konto/login/")
    page.get_by_role("link", name="Mistet passord?").click()
    assert_accessible(page, label="password reset")
    screenshot(page, "accounts-reset-1280")
    page.get_by_label("E-post").fill(buyer_member.user.email)
    page.get_by_role("button", name="Send lenke").click()
    assert page.get_by_role("heading", name="Sjekk e-posten din").is_visible()
    assert_accessible(page, label="reset done")
    [mail] = mailoutbox
    page.goto(link_in(mail.body, "/konto/password/reset/key/"))
    assert page.get_by_role("heading", name="Lag nytt passord").is_visible()
    assert_accessible(page, label="reset from key")
    at_375(page, "reset-from-key")
    page.get_by_label("Nytt passord").fill(new_password)
    page.get_by_label("Gjenta passordet").fill(new_password)
    page.get_by_role("button", name="Lagre nytt passord").click()
    assert page.get_by_role("heading", name="Passordet er endret").is_visible()
    assert_accessible(page, label="reset from key done")
    log_in(page, buyer_member.user.email, new_password)
    assert page.locator(".user-menu-name").is_visible()


def test_administrator_invites_a_colleague_who_sets_a_password_and_lands_in_the_customer(
    page, browser, live_server, admin_member, buyer_member, mailoutbox
):
    log_in(page, admin_member.user.email)
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Brukere").click()
    assert page.get_by_role("heading", name="Brukere").is_visible()
    assert_accessible(page, label="brukere")
    screenshot(page, "accounts-users-1280")
    at_375(page, "users")
    page.get_by_role("link", name="Legg til bruker").click()
    assert_accessible(page, label="legg til bruker")
    page.get_by_label("E-post").fill("ny.kollega@firma.example")
    page.get_by_label("Navn").fill("Nora Kollega")
    page.get_by_label("Rolle").select_option("innkjoper")
    screenshot(page, "accounts-user-add-1280")
    page.get_by_role("button", name="Legg til bruker").click()
    assert "Vi har sendt en invitasjon" in page.locator(".messages").inner_text()
    row = page.locator("tr", has_text="ny.kollega@firma.example")
    assert "invitert" in row.inner_text()
    row.get_by_role("link", name=re.compile("Endre")).click()
    assert_accessible(page, label="membership detail")
    screenshot(page, "accounts-membership-detail-1280")
    at_375(page, "membership-detail")

    [mail] = mailoutbox
    assert admin_member.customer.name in mail.subject
    colleague = browser.new_context(
        base_url=live_server.url, locale="nb-NO", bypass_csp=True, viewport={"width": 375, "height": 800}
    )
    other = colleague.new_page()
    other.goto(link_in(mail.body, "/konto/invitasjon/"))
    assert other.get_by_role("heading", name="Velkommen til nettbutikken").is_visible()
    assert_accessible(other, label="invitation accept")
    screenshot(other, "accounts-invitation-375")
    other.get_by_label("Nytt passord").fill("Kollegaens egen lange frase")
    other.get_by_label("Gjenta passordet").fill("Kollegaens egen lange frase")
    other.get_by_role("button", name="Lagre passord og logg inn").click()
    assert "du er logget inn hos" in other.locator(".messages").inner_text()
    assert admin_member.customer.name in other.locator(".user-menu-customer").inner_text()
    # the used link now gives a clear page
    other.goto(link_in(mail.body, "/konto/invitasjon/"))
    assert other.get_by_role("heading", name="Lenken er allerede brukt").is_visible()
    assert_accessible(other, label="invitation used")
    colleague.close()
    assert User.objects.get(email="ny.kollega@firma.example").has_usable_password()


def test_buyer_cannot_open_brukere(page, buyer_member):
    log_in(page, buyer_member.user.email)
    page.locator(".user-menu summary").click()
    assert page.get_by_role("link", name="Brukere").count() == 0
    response = page.goto("/konto/brukere/")
    assert response.status == 403
    assert_accessible(page, label="403")


def test_min_konto_at_1280_and_375(page, admin_member, branch):
    from tests.factories import CustomerFactory, MembershipFactory

    MembershipFactory(
        user=admin_member.user,
        customer=CustomerFactory(branch=branch, name="Datter Elektro AS"),
        role="lesetilgang",
    )
    log_in(page, admin_member.user.email)
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Min konto").click()
    assert page.get_by_role("heading", name="Min konto").is_visible()
    assert_accessible(page, label="min konto")
    screenshot(page, "accounts-profile-1280")
    at_375(page, "profile")
    page.get_by_role("textbox", name=re.compile("^Telefon")).fill("22 33 44 55")
    page.get_by_role("button", name="Lagre endringer").click()
    assert "Endringene er lagret." in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Bytt til Datter Elektro AS").click()
    assert "Datter Elektro AS" in page.locator(".user-menu-customer").inner_text()
    page.get_by_role("link", name="Endre passord").click()
    assert_accessible(page, label="password change")
    screenshot(page, "accounts-password-change-1280")
    page.go_back()
    page.get_by_role("link", name="Endre e-post").click()
    assert_accessible(page, label="email change")
    at_375(page, "email-change")


def test_joining_another_customer_is_offered_and_accepted_by_the_person(page, admin_member, browser,
                                                                        live_server):
    from tests.factories import MembershipFactory

    kari = MembershipFactory(role="administrator", user__password=PASSWORD, user__email="kari@annen.example",
                             user__name="Kari Annen").user
    log_in(page, admin_member.user.email)
    page.goto("/konto/brukere/ny/")
    page.get_by_label("E-post").fill(kari.email)
    page.get_by_label("Navn").fill("Kari fra lageret")
    page.get_by_role("button", name="Legg til bruker").click()
    assert "Vi har sendt en invitasjon til kari@annen.example" in page.locator(".messages").inner_text()
    row = page.locator("tr", has_text=kari.email)
    assert "Kari Annen" not in row.inner_text() and "Invitert" in row.inner_text()
    row.get_by_role("link", name=re.compile("Endre")).click()
    assert_accessible(page, label="offer detail")
    screenshot(page, "accounts-offer-detail-1280")
    at_375(page, "offer-detail")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  locale="nb-NO", bypass_csp=True)
    person = context.new_page()
    log_in(person, kari.email)
    person.goto("/konto/min-konto/")
    person.get_by_role("link", name="Se invitasjonene").click()
    assert person.get_by_role("heading", name=f"Bli med i {admin_member.customer.name}").is_visible()
    assert_accessible(person, label="offers")
    screenshot(person, "accounts-offers-1280")
    at_375(person, "offers")
    person.get_by_role("button", name="Ta imot").click()
    assert f"Du er nå bruker hos {admin_member.customer.name}" in person.locator(".messages").inner_text()
    context.close()
    assert kari.memberships.filter(customer=admin_member.customer).exists()
