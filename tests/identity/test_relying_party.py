"""A real OpenID Connect relying party (Authlib) signs in against the live shop."""

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError

from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

from .conftest import LOGGED_OUT_PATH, callback_params

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kari(transactional_db):
    user = UserFactory(email="kari@nordlys.example", name="Kari Nordmann", password=PASSWORD)
    MembershipFactory(user=user, customer__number="10001", customer__name="Nordlys Elektro AS",
                      role="administrator")
    MembershipFactory(user=user, customer__number="10002", customer__name="Nordlys Service AS",
                      role="lesetilgang")
    MembershipFactory(user=user, customer__number="10003", customer__name="Gammel Kunde AS",
                      is_active=False)
    return user


def test_discovery_document_names_endpoints_pkce_and_the_customers_scope(backoffice, live_server):
    discovery = backoffice.discovery
    assert discovery["issuer"] == live_server.url
    assert discovery["authorization_endpoint"] == live_server.url + "/identity/o/authorize"
    assert discovery["token_endpoint"] == live_server.url + "/identity/o/api/token"
    assert discovery["jwks_uri"] == live_server.url + "/.well-known/jwks.json"
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "customers" in discovery["scopes_supported"]
    assert "customers" in discovery["claims_supported"]


def test_backoffice_signs_in_with_pkce_verifies_the_id_token_and_refreshes(backoffice, web, kari):
    callback = backoffice.sign_in(web, kari.email, PASSWORD)
    assert callback, "no authorization code issued"
    assert callback_params(callback)["state"] == backoffice.state

    token = backoffice.fetch_token(callback)
    claims = backoffice.verify_id_token(token["id_token"])
    assert claims["sub"] == str(kari.pk)
    assert claims["email"] == "kari@nordlys.example"
    assert claims["email_verified"] is True
    assert claims["name"] == "Kari Nordmann"
    assert claims["customers"] == [
        {"number": "10001", "name": "Nordlys Elektro AS", "role": "administrator"},
        {"number": "10002", "name": "Nordlys Service AS", "role": "lesetilgang"},
    ]

    userinfo = backoffice.userinfo(token["access_token"])
    assert userinfo.status_code == 200
    assert userinfo.json()["customers"][0]["number"] == "10001"

    refreshed = backoffice.refresh(token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert backoffice.userinfo(refreshed["access_token"]).status_code == 200
    # Refresh tokens rotate: the one just used is spent.
    with pytest.raises(OAuthError) as error:
        backoffice.refresh(token["refresh_token"])
    assert error.value.error == "invalid_grant"


def test_id_token_from_a_forged_key_does_not_verify_against_the_jwks(backoffice, web, kari):
    from authlib.jose import JsonWebKey, jwt
    from authlib.jose.errors import BadSignatureError

    token = backoffice.fetch_token(backoffice.sign_in(web, kari.email, PASSWORD))
    claims = backoffice.verify_id_token(token["id_token"])
    forged_key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
    kid = jwt.decode(token["id_token"], backoffice.jwks()).header["kid"]
    forged = jwt.encode({"alg": "RS256", "kid": kid}, dict(claims), forged_key).decode()
    with pytest.raises(BadSignatureError):
        backoffice.verify_id_token(forged)


def test_first_party_client_skips_consent_when_already_logged_in(backoffice, web, kari):
    web.login(kari.email, PASSWORD)
    response = web.get(backoffice.authorization_url())
    assert response.status_code == 302
    assert response.headers["Location"].startswith(backoffice.redirect_uri)
    assert "code" in callback_params(response.headers["Location"])


def test_mobile_app_as_public_client_needs_pkce(mobile_app, web, kari):
    callback = mobile_app.sign_in(web, kari.email, PASSWORD)
    token = mobile_app.fetch_token(callback)
    assert mobile_app.verify_id_token(token["id_token"])["customers"][0]["role"] == "administrator"
    assert mobile_app.refresh(token["refresh_token"])["access_token"]

    # Without a code challenge the public client gets no code at all.
    url = mobile_app.authorization_url().replace("code_challenge=", "x=")
    response = web.get(url)
    assert response.status_code == 302
    assert callback_params(response.headers["Location"])["error"] == "invalid_request"


def test_wrong_code_verifier_gets_no_tokens(mobile_app, web, kari):
    callback = mobile_app.sign_in(web, kari.email, PASSWORD)
    mobile_app.code_verifier = "x" * 50
    with pytest.raises(OAuthError) as error:
        mobile_app.fetch_token(callback)
    assert error.value.error == "invalid_grant"


def test_unregistered_redirect_uri_is_refused_on_the_shop(backoffice, web, kari):
    web.login(kari.email, PASSWORD)
    url = backoffice.authorization_url().replace(
        requests.utils.quote(backoffice.redirect_uri, safe=""),
        requests.utils.quote("https://angriper.example/cb", safe=""),
    )
    response = web.get(url)
    # An error page on the shop itself, never a redirect (with or without a code) to the stranger;
    # 400, since the request is the client's error (issue #15 item 11; was 200).
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "redirect" in response.text.lower()


def test_logging_out_of_the_backoffice_ends_the_shop_session_and_its_tokens(
    backoffice, web, kari, live_server
):
    from urllib.parse import urlencode

    from allauth.idp.oidc.models import Token

    token = backoffice.fetch_token(backoffice.sign_in(web, kari.email, PASSWORD))
    logged_out = live_server.url + LOGGED_OUT_PATH
    params = {"id_token_hint": token["id_token"], "post_logout_redirect_uri": logged_out, "state": "x1"}
    # The hint alone logs nobody out: the shop asks first (issue #15 item 8).
    page = web.get("/identity/o/logout?" + urlencode(params))
    assert page.status_code == 200
    assert "Vil du også logge ut" in page.text
    assert Token.objects.filter(user=kari).exists()
    response = web.post_form("/identity/o/logout", {**params, "action": "logout"})
    assert response.status_code == 302
    assert response.headers["Location"] == logged_out + "?state=x1"
    assert not Token.objects.filter(user=kari).exists()
    # The shop session is over: the next authorize asks for the password again.
    assert web.get(backoffice.authorization_url()).headers["Location"].startswith("/konto/login/")


def test_signing_key_rotation_keeps_earlier_id_tokens_verifiable(backoffice, web, kari, settings):
    from identity.keys import generate_pem

    old_key, new_key = generate_pem(), generate_pem()
    settings.IDP_OIDC_PRIVATE_KEY = old_key
    settings.IDP_OIDC_PRIVATE_KEYS = []
    before = backoffice.fetch_token(backoffice.sign_in(web, kari.email, PASSWORD))
    before_nonce = backoffice.nonce

    # Step 1: the next key is published ahead of time; the old one still signs.
    settings.IDP_OIDC_PRIVATE_KEYS = [{"pem": new_key}]
    assert len(backoffice.jwks().keys) == 2
    # Step 2: swap. New tokens carry the new key's kid; the earlier token still verifies.
    settings.IDP_OIDC_PRIVATE_KEY = new_key
    settings.IDP_OIDC_PRIVATE_KEYS = [{"pem": old_key}]
    after = backoffice.fetch_token(backoffice.sign_in(web, kari.email, PASSWORD))
    assert backoffice.verify_id_token(before["id_token"], nonce=before_nonce)["sub"] == str(kari.pk)
    assert backoffice.verify_id_token(after["id_token"]).header["kid"] != backoffice.verify_id_token(
        before["id_token"], nonce=before_nonce).header["kid"]
    # Step 3: the old key is retired; only tokens signed with the new key verify.
    settings.IDP_OIDC_PRIVATE_KEYS = []
    assert len(backoffice.jwks().keys) == 1
    assert backoffice.verify_id_token(after["id_token"])["sub"] == str(kari.pk)
    with pytest.raises(ValueError):  # no key with that kid any more
        backoffice.verify_id_token(before["id_token"], nonce=before_nonce)
