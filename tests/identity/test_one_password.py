"""A password change or reset ends the old password everywhere; a deactivated user gets nothing."""

import re

import pytest
from allauth.idp.oidc.models import Token
from authlib.integrations.base_client.errors import OAuthError
from django.core import mail

from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

from .conftest import Browser

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Nytt-passord-for-alt-77"
APP_LOGIN = "/_allauth/app/v1/auth/login"
APP_SESSION = "/_allauth/app/v1/auth/session"


@pytest.fixture
def ola(transactional_db):
    user = UserFactory(email="ola@nordlys.example", name="Ola Nordmann", password=PASSWORD)
    MembershipFactory(user=user, customer__number="10001", role="innkjoper")
    return user


def app_login(web, email, password):
    return web.session.post(web.url(APP_LOGIN), json={"email": email, "password": password}, timeout=10)


def app_session(web, session_token):
    return web.session.get(web.url(APP_SESSION), headers={"X-Session-Token": session_token}, timeout=10)


def test_password_change_in_min_konto_ends_the_old_password_everywhere(backoffice, live_server, ola):
    # Signed in to the back office (OIDC), the mobile app (app API) and a second browser.
    backoffice_web = Browser(live_server.url)
    token = backoffice.fetch_token(backoffice.sign_in(backoffice_web, ola.email, PASSWORD))
    app = Browser(live_server.url)
    app_response = app_login(app, ola.email, PASSWORD)
    assert app_response.status_code == 200
    session_token = app_response.json()["meta"]["session_token"]
    other_browser = Browser(live_server.url)
    assert other_browser.login(ola.email, PASSWORD).status_code == 302

    me = Browser(live_server.url)
    me.login(ola.email, PASSWORD)
    me.change_password(PASSWORD, NEW_PASSWORD)

    # The back office's refresh token and access token are dead.
    with pytest.raises(OAuthError) as error:
        backoffice.refresh(token["refresh_token"])
    assert error.value.error == "invalid_grant"
    assert backoffice.userinfo(token["access_token"]).status_code == 401
    assert not Token.objects.filter(user=ola).exists()
    # The app's session and the other browser's session are over.
    assert app_session(app, session_token).status_code in (401, 410)
    assert other_browser.get("/konto/password/change/").status_code == 302

    # The old password works nowhere: web, app API, OIDC login.
    assert Browser(live_server.url).login(ola.email, PASSWORD).status_code == 200  # form again
    assert app_login(Browser(live_server.url), ola.email, PASSWORD).status_code == 400
    assert backoffice.sign_in(Browser(live_server.url), ola.email, PASSWORD) is None

    # The new one works everywhere.
    assert Browser(live_server.url).login(ola.email, NEW_PASSWORD).status_code == 302
    assert app_login(Browser(live_server.url), ola.email, NEW_PASSWORD).status_code == 200
    callback = backoffice.sign_in(Browser(live_server.url), ola.email, NEW_PASSWORD)
    assert backoffice.verify_id_token(backoffice.fetch_token(callback)["id_token"])["sub"] == str(ola.pk)


def test_password_reset_by_email_link_revokes_tokens_and_the_old_password(backoffice, live_server, ola,
                                                                          settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    token = backoffice.fetch_token(backoffice.sign_in(Browser(live_server.url), ola.email, PASSWORD))
    open_browser = Browser(live_server.url)
    assert open_browser.login(ola.email, PASSWORD).status_code == 302

    app = Browser(live_server.url)
    response = app.session.post(app.url("/_allauth/app/v1/auth/password/request"),
                                json={"email": ola.email}, timeout=10)
    assert response.status_code == 200
    link = _reset_link(ola.email)

    web = Browser(live_server.url)
    response = web.follow(web.get(link))
    form_url = response.url
    response = web.post_form(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    with pytest.raises(OAuthError):
        backoffice.refresh(token["refresh_token"])
    assert open_browser.get("/konto/password/change/").status_code == 302  # session over
    assert Browser(live_server.url).login(ola.email, PASSWORD).status_code == 200  # form again
    assert app_login(Browser(live_server.url), ola.email, PASSWORD).status_code == 400
    assert app_login(Browser(live_server.url), ola.email, NEW_PASSWORD).status_code == 200


def _reset_link(email):
    """The reset link from the «Mistet passord?» email."""
    messages = [m for m in mail.outbox if email in m.to]
    assert messages, "no reset email sent"
    match = re.search(r"https?://\S+(/konto/password/reset/key/\S+/)", messages[-1].body)
    assert match, messages[-1].body
    return match.group(1)  # the path: emailed links are built from SHOP_URL, not the live server


def test_deactivated_user_is_refused_at_authorize_refresh_and_app_login(backoffice, live_server, ola):
    web = Browser(live_server.url)
    token = backoffice.fetch_token(backoffice.sign_in(web, ola.email, PASSWORD))
    app = Browser(live_server.url)
    session_token = app_login(app, ola.email, PASSWORD).json()["meta"]["session_token"]

    ola.is_active = False
    ola.save()  # staff in admin / «Brukere»

    # Authorize: the open session no longer counts and the login form refuses the user.
    assert backoffice.sign_in(web, ola.email, PASSWORD) is None
    assert "code=" not in backoffice.stopped_at.headers.get("Location", "")
    assert backoffice.sign_in(Browser(live_server.url), ola.email, PASSWORD) is None
    # Token refresh and the access token.
    with pytest.raises(OAuthError) as error:
        backoffice.refresh(token["refresh_token"])
    assert error.value.error == "invalid_grant"
    assert backoffice.userinfo(token["access_token"]).status_code == 401
    # App API: the open session ends, and a new login is refused.
    assert app_session(app, session_token).status_code in (401, 410)
    response = app_login(Browser(live_server.url), ola.email, PASSWORD)
    assert response.status_code in (400, 401)
    assert "session_token" not in response.json().get("meta", {})


def test_deactivated_user_cannot_refresh_even_if_a_token_survived(backoffice, live_server, ola):
    """allauth's own check at the token endpoint, independent of our revocation on deactivation."""
    token = backoffice.fetch_token(backoffice.sign_in(Browser(live_server.url), ola.email, PASSWORD))
    type(ola).objects.filter(pk=ola.pk).update(is_active=False)  # bypasses signals
    assert Token.objects.filter(user=ola, type=Token.Type.REFRESH_TOKEN).exists()
    with pytest.raises(OAuthError) as error:
        backoffice.refresh(token["refresh_token"])
    assert error.value.error == "invalid_grant"


def test_deactivated_user_cannot_exchange_a_code_issued_before(backoffice, live_server, ola):
    callback = backoffice.sign_in(Browser(live_server.url), ola.email, PASSWORD)
    type(ola).objects.filter(pk=ola.pk).update(is_active=False)
    with pytest.raises(OAuthError) as error:
        backoffice.fetch_token(callback)
    assert error.value.error == "invalid_grant"


def test_pending_user_without_password_gets_no_code(backoffice, live_server, transactional_db):
    pending = UserFactory(email="ny@firma.example")
    pending.set_unusable_password()
    pending.save()
    assert backoffice.sign_in(Browser(live_server.url), pending.email, "") is None
    assert app_login(Browser(live_server.url), pending.email, "Hva-som-helst-123").status_code == 400
