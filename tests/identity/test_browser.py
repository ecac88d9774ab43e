"""The sign-in as a person sees it, in Chromium under the shop's Content-Security-Policy."""

import re
from urllib.parse import urlparse

import pytest
from allauth.idp.oidc.models import Client

from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.browser import assert_accessible, screenshot
from tests.fixtures.data import PASSWORD

from .conftest import RelyingParty, register_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_login(page, email, password):
    """The shop's login form: allauth's fields `login` and `password`, whatever the template."""
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button:not([type=button]), input[type=submit]").first.click()


@pytest.fixture
def other_origin_rp(live_server):
    """A back office on another origin than the shop (127.0.0.1 instead of localhost)."""
    port = urlparse(live_server.url).port
    redirect_uri = f"http://127.0.0.1:{port}/rp/callback"
    client = register_client(
        name="Backoffice", client_type=Client.Type.CONFIDENTIAL, redirect_uris=[redirect_uri], secret="s" * 40
    )
    return RelyingParty(live_server.url, client.id, "s" * 40, redirect_uri)


@pytest.fixture
def csp_page(browser, live_server):
    """Like `page`, but with the Content-Security-Policy enforced (no axe-core injection)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url,
                                  locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_person_signs_in_to_the_backoffice_through_the_shop_login(csp_page, other_origin_rp):
    page = csp_page
    user = UserFactory(email="kari@nordlys.example", password=PASSWORD)
    MembershipFactory(user=user)
    page.route(re.compile(r"http://127\.0\.0\.1:\d+/rp/callback.*"),
               lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Backoffice</p>"))
    page.goto(other_origin_rp.authorization_url())
    assert "/konto/login/" in page.url
    with page.expect_navigation(url=re.compile(r".*/rp/callback.*")):
        submit_login(page, user.email, PASSWORD)
    assert "code=" in page.url
    token = other_origin_rp.fetch_token(page.url)
    assert other_origin_rp.verify_id_token(token["id_token"])["email"] == user.email


def test_consent_page_for_a_client_that_is_not_ours(page, live_server):
    partner = Client(id="partner", name="Partnerportal", skip_consent=False)
    partner.set_scopes(["openid", "email", "customers"])
    partner.set_redirect_uris(["https://partner.example/cb"])
    partner.save()
    user = UserFactory(email="kari@nordlys.example", password=PASSWORD)
    MembershipFactory(user=user)
    page.goto("/konto/login/")
    submit_login(page, user.email, PASSWORD)
    page.wait_for_load_state()
    page.goto("/identity/o/authorize?response_type=code&client_id=partner&scope=openid+email+customers"
              "&redirect_uri=https%3A%2F%2Fpartner.example%2Fcb&state=s&code_challenge_method=S256"
              "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    assert page.get_by_text("Partnerportal").first.is_visible()
    assert page.get_by_text("Se hvilke kunder du handler for").first.is_visible()
    screenshot(page, "identity-consent-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "identity-consent-375")
    assert_accessible(page)


def test_error_and_logout_pages_say_what_happened_in_norwegian(page, live_server):
    user = UserFactory(password=PASSWORD)
    page.goto("/konto/login/")
    submit_login(page, user.email, PASSWORD)
    page.wait_for_load_state()

    page.goto("/identity/o/authorize?response_type=code&client_id=finnes-ikke&scope=openid"
              "&redirect_uri=https%3A%2F%2Fukjent.example%2Fcb")
    assert page.get_by_role("heading", name="Innloggingen kunne ikke fullføres").is_visible()
    screenshot(page, "identity-error-1280")
    assert_accessible(page)

    page.goto("/identity/o/logout")  # no id_token_hint: the person is asked
    assert page.get_by_role("button", name="Forbli innlogget").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "identity-logout-375")
    assert_accessible(page)
    page.get_by_role("button", name="Logg ut").last.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Logg inn", exact=True).is_visible()
