"""OpenID Connect as an outside relying party sees it (security review, issue #15 item 11).

Authlib (conftest's RelyingParty) is lenient in places a certified client is strict, so these
tests speak the protocol by hand with `requests`, the way RFC 6749 / OIDC Core write it: HTTP
Basic with form-urlencoded credentials, exact redirect URIs, S256 only, and so on.
"""

import base64
import hashlib
import html
import re
import secrets
import time
from urllib.parse import quote_plus, urlencode, urlsplit

import pytest
import requests
from allauth.idp.oidc.models import Client, Token
from django.core.management import call_command

from identity.models import OIDCConsent
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

from .conftest import CALLBACK_PATH, SCOPE, callback_params, no_keep_alive, register_client

pytestmark = pytest.mark.django_db(transaction=True)

# What Django's get_random_secret_key() (allauth's default for new clients) may contain, and
# what RFC 6749 §2.3.1 makes a client percent-encode before base64.
AWKWARD_SECRET = "a+b/c=d%e&f:g h!@#$^*()-_"


@pytest.fixture
def kari(transactional_db):
    user = UserFactory(email="kari@nordlys.example", name="Kari Nordmann", password=PASSWORD)
    MembershipFactory(user=user, customer__number="10001", role="administrator")
    return user


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def rfc_basic(client_id, secret):
    """RFC 6749 §2.3.1: each part application/x-www-form-urlencoded, then HTTP Basic."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def authorize_url(base_url, client_id, redirect_uri, *, scope=SCOPE, verifier=None, method="S256",
                  **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "scope": scope, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8)}
    if verifier is not None:
        params["code_challenge"] = s256(verifier) if method == "S256" else verifier
        if method:
            params["code_challenge_method"] = method
    params.update(extra)
    return f"{base_url}/identity/o/authorize?{urlencode(params)}"


def front_channel(web, url, *, stop_at):
    """The browser's part: the authorize request (already logged in) up to the redirect back."""
    return web.follow(web.get(url), stop_at=stop_at)


def code_from(response, redirect_uri):
    location = response.headers.get("Location", "")
    assert response.status_code == 302 and location.startswith(redirect_uri), (
        response.status_code, location, response.text[:500])
    return callback_params(location)


def token_request(base_url, data, *, auth=None, host=None):
    headers = {"Authorization": auth} if auth else {}
    if host:
        headers["Host"] = host
    http = no_keep_alive(requests.Session())
    return http.post(f"{base_url}/identity/o/api/token", data=data, headers=headers, timeout=10)


def userinfo_status(base_url, access_token):
    http = no_keep_alive(requests.Session())
    return http.get(f"{base_url}/identity/o/api/userinfo",
                    headers={"Authorization": f"Bearer {access_token}"}, timeout=10).status_code


def jwt_payload(token):
    payload = token.split(".")[1]
    return __import__("json").loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def rp(live_server, shop_url, transactional_db):
    """A confidential client whose secret holds every character that needs encoding."""
    redirect_uri = live_server.url + CALLBACK_PATH
    client = register_client(name="Strict RP", client_type=Client.Type.CONFIDENTIAL,
                             redirect_uris=[redirect_uri], secret=AWKWARD_SECRET)
    return client, redirect_uri


def sign_in_and_exchange(live_server, web, client, redirect_uri, *, secret=AWKWARD_SECRET):
    verifier = secrets.token_urlsafe(48)
    params = code_from(front_channel(web, authorize_url(live_server.url, client.id, redirect_uri,
                                                        verifier=verifier), stop_at=redirect_uri),
                       redirect_uri)
    data = {"grant_type": "authorization_code", "code": params["code"],
            "redirect_uri": redirect_uri, "code_verifier": verifier}
    return params["code"], data, token_request(live_server.url, data, auth=rfc_basic(client.id, secret))


def test_the_shop_builds_allauths_server_with_our_validator():
    from allauth.idp.oidc.internal.oauthlib.server import get_server

    from identity.oidc import ShopRequestValidator

    assert isinstance(get_server().request_validator, ShopRequestValidator)


def test_client_secret_basic_works_with_form_urlencoded_credentials(rp, web, kari, live_server):
    client, redirect_uri = rp
    web.login(kari.email, PASSWORD)
    _, _, response = sign_in_and_exchange(live_server, web, client, redirect_uri)
    assert response.status_code == 200, response.text
    assert response.json()["id_token"]


def test_client_secret_basic_without_encoding_still_works_and_a_wrong_secret_does_not(
    rp, web, kari, live_server
):
    client, redirect_uri = rp
    web.login(kari.email, PASSWORD)
    code, data, response = sign_in_and_exchange(live_server, web, client, redirect_uri,
                                                secret=AWKWARD_SECRET + "x")
    assert response.status_code == 401
    raw = "Basic " + base64.b64encode(f"{client.id}:{AWKWARD_SECRET}".encode()).decode()
    assert token_request(live_server.url, data, auth=raw).status_code == 200


def test_new_client_secrets_are_url_safe():
    from allauth.idp.oidc.adapter import get_adapter

    for _ in range(20):
        secret = get_adapter().generate_client_secret()
        assert re.fullmatch(r"[A-Za-z0-9_-]{60,}", secret)


def test_issuer_is_shop_url_whatever_host_the_request_came_through(rp, web, kari, live_server):
    client, redirect_uri = rp
    internal = live_server.url.replace("localhost", "127.0.0.1")
    http = no_keep_alive(requests.Session())
    discovery = http.get(f"{internal}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == live_server.url  # SHOP_URL, not the internal 127.0.0.1 address
    web.login(kari.email, PASSWORD)
    verifier = secrets.token_urlsafe(48)
    params = code_from(front_channel(web, authorize_url(live_server.url, client.id, redirect_uri,
                                                        verifier=verifier), stop_at=redirect_uri),
                       redirect_uri)
    response = token_request(internal, {"grant_type": "authorization_code", "code": params["code"],
                                        "redirect_uri": redirect_uri, "code_verifier": verifier},
                             auth=rfc_basic(client.id, AWKWARD_SECRET))
    assert response.status_code == 200, response.text
    assert jwt_payload(response.json()["id_token"])["iss"] == live_server.url


def test_redirect_uri_with_extra_query_parameters_is_refused(rp, web, kari, live_server):
    client, redirect_uri = rp
    web.login(kari.email, PASSWORD)
    response = web.get(authorize_url(live_server.url, client.id, redirect_uri + "?next=https://x.example",
                                     verifier="v" * 50))
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_loopback_any_port_only_for_public_clients(live_server, shop_url, web, kari):
    registered = "http://127.0.0.1/callback"
    confidential = register_client(name="Web", client_type=Client.Type.CONFIDENTIAL,
                                   redirect_uris=[registered], secret=AWKWARD_SECRET)
    public = register_client(name="Desktop", client_type=Client.Type.PUBLIC, redirect_uris=[registered])
    web.login(kari.email, PASSWORD)
    with_port = "http://127.0.0.1:53117/callback"
    refused = web.get(authorize_url(live_server.url, confidential.id, with_port, verifier="v" * 50))
    assert refused.status_code == 400 and "Location" not in refused.headers
    accepted = front_channel(web, authorize_url(live_server.url, public.id, with_port, verifier="v" * 50),
                             stop_at=with_port)
    assert code_from(accepted, with_port)["code"]
    # Another path or an extra parameter stays refused for the public client too.
    assert web.get(authorize_url(live_server.url, public.id, "http://127.0.0.1:53117/other",
                                 verifier="v" * 50)).status_code == 400


@pytest.mark.parametrize("method", ["plain", None])
def test_pkce_plain_is_refused(live_server, shop_url, web, kari, method):
    redirect_uri = live_server.url + CALLBACK_PATH
    public = register_client(name="App", client_type=Client.Type.PUBLIC, redirect_uris=[redirect_uri])
    web.login(kari.email, PASSWORD)
    response = front_channel(web, authorize_url(live_server.url, public.id, redirect_uri,
                                                verifier="v" * 50, method=method), stop_at=redirect_uri)
    params = code_from(response, redirect_uri)
    assert "code" not in params
    assert params["error"] in ("invalid_request", "unsupported_code_challenge_method")


def test_a_replayed_code_revokes_the_tokens_of_the_first_exchange(rp, web, kari, live_server):
    client, redirect_uri = rp
    web.login(kari.email, PASSWORD)
    _, data, first = sign_in_and_exchange(live_server, web, client, redirect_uri)
    assert first.status_code == 200
    tokens = first.json()
    assert userinfo_status(live_server.url, tokens["access_token"]) == 200
    replay = token_request(live_server.url, data, auth=rfc_basic(client.id, AWKWARD_SECRET))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert userinfo_status(live_server.url, tokens["access_token"]) == 401
    refresh = token_request(live_server.url, {"grant_type": "refresh_token",
                                              "refresh_token": tokens["refresh_token"]},
                            auth=rfc_basic(client.id, AWKWARD_SECRET))
    assert refresh.json()["error"] == "invalid_grant"
    assert not Token.objects.filter(user=kari).exists()


def test_revoking_a_refresh_token_revokes_its_access_tokens(rp, web, kari, live_server):
    client, redirect_uri = rp
    web.login(kari.email, PASSWORD)
    tokens = sign_in_and_exchange(live_server, web, client, redirect_uri)[2].json()
    auth = rfc_basic(client.id, AWKWARD_SECRET)
    refreshed = token_request(live_server.url, {"grant_type": "refresh_token",
                                                "refresh_token": tokens["refresh_token"]}, auth=auth).json()
    http = no_keep_alive(requests.Session())
    response = http.post(f"{live_server.url}/identity/o/api/revoke", timeout=10,
                         data={"token": refreshed["refresh_token"], "token_type_hint": "refresh_token"},
                         headers={"Authorization": auth})
    assert response.status_code == 200
    # Both the access token of the first exchange and the one from the refresh are dead.
    assert userinfo_status(live_server.url, tokens["access_token"]) == 401
    assert userinfo_status(live_server.url, refreshed["access_token"]) == 401


def test_revocation_by_another_client_leaves_the_token_alone(rp, web, kari, live_server):
    client, redirect_uri = rp
    other = register_client(name="Other", client_type=Client.Type.CONFIDENTIAL,
                            redirect_uris=["https://other.example/cb"], secret="other-secret")
    web.login(kari.email, PASSWORD)
    tokens = sign_in_and_exchange(live_server, web, client, redirect_uri)[2].json()
    http = no_keep_alive(requests.Session())
    http.post(f"{live_server.url}/identity/o/api/revoke", timeout=10,
              data={"token": tokens["access_token"]}, headers={"Authorization": rfc_basic(other.id, "other-secret")})
    assert userinfo_status(live_server.url, tokens["access_token"]) == 200


def _consent_form(page):
    request_value = html.unescape(re.search(r'name="request" value="([^"]+)"', page.text).group(1))
    scopes = re.findall(r'name="scopes" value="([^"]+)"', page.text)
    return request_value, scopes


def test_consent_is_asked_once_for_the_same_scopes(live_server, shop_url, web, kari):
    redirect_uri = live_server.url + CALLBACK_PATH
    client = register_client(name="Partner", client_type=Client.Type.CONFIDENTIAL,
                             redirect_uris=[redirect_uri], secret=AWKWARD_SECRET, skip_consent=False)
    web.login(kari.email, PASSWORD)
    page = front_channel(web, authorize_url(live_server.url, client.id, redirect_uri,
                                            scope="openid email", verifier="v" * 50), stop_at=redirect_uri)
    assert page.status_code == 200 and "Gi Partner tilgang" in page.text
    request_value, scopes = _consent_form(page)
    granted = web.post_form("/identity/o/authorize", {"request": request_value, "scopes": scopes,
                                                      "action": "grant"})
    assert code_from(granted, redirect_uri)["code"]
    assert set(OIDCConsent.objects.get(user=kari, client=client).scopes) == {"openid", "email"}
    # The second time (same or fewer scopes) straight back with a code, no page.
    for scope in ("openid email", "openid"):
        again = front_channel(web, authorize_url(live_server.url, client.id, redirect_uri,
                                                 scope=scope, verifier="v" * 50), stop_at=redirect_uri)
        assert code_from(again, redirect_uri)["code"]
    # A scope not granted yet asks again.
    more = front_channel(web, authorize_url(live_server.url, client.id, redirect_uri,
                                            scope="openid email profile", verifier="v" * 50),
                         stop_at=redirect_uri)
    assert more.status_code == 200 and "Gi Partner tilgang" in more.text


def test_cancelled_consent_is_not_remembered(live_server, shop_url, web, kari):
    redirect_uri = live_server.url + CALLBACK_PATH
    client = register_client(name="Partner", client_type=Client.Type.CONFIDENTIAL,
                             redirect_uris=[redirect_uri], secret=AWKWARD_SECRET, skip_consent=False)
    web.login(kari.email, PASSWORD)
    page = front_channel(web, authorize_url(live_server.url, client.id, redirect_uri, scope="openid",
                                            verifier="v" * 50), stop_at=redirect_uri)
    request_value, scopes = _consent_form(page)
    denied = web.post_form("/identity/o/authorize", {"request": request_value, "scopes": scopes,
                                                     "action": "cancel"})
    assert code_from(denied, redirect_uri)["error"] == "access_denied"
    assert not OIDCConsent.objects.exists()


def test_id_token_carries_auth_time_also_after_a_refresh(rp, web, kari, live_server):
    client, redirect_uri = rp
    before = int(time.time())
    web.login(kari.email, PASSWORD)
    after = int(time.time())
    tokens = sign_in_and_exchange(live_server, web, client, redirect_uri)[2].json()
    auth_time = jwt_payload(tokens["id_token"])["auth_time"]
    assert before - 1 <= auth_time <= after + 1
    refreshed = token_request(live_server.url, {"grant_type": "refresh_token",
                                                "refresh_token": tokens["refresh_token"]},
                              auth=rfc_basic(client.id, AWKWARD_SECRET)).json()
    assert jwt_payload(refreshed["id_token"])["auth_time"] == auth_time


def test_discovery_advertises_only_what_the_shop_offers(rp, live_server):
    client, _ = rp
    http = no_keep_alive(requests.Session())
    discovery = http.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "device_authorization_endpoint" not in discovery
    assert "auth_time" in discovery["claims_supported"]
    # A client registered (in admin) with more grants still gets none of the others.
    client.set_grant_types([g.value for g in Client.GrantType])
    client.save()
    response = token_request(live_server.url, {"grant_type": "client_credentials", "scope": "openid"},
                             auth=rfc_basic(client.id, AWKWARD_SECRET))
    assert response.status_code in (400, 401) and "access_token" not in response.json()


def test_unknown_client_gets_a_400_error_page(live_server, shop_url, web, kari):
    web.login(kari.email, PASSWORD)
    response = web.get(authorize_url(live_server.url, "no-such-client", live_server.url + CALLBACK_PATH,
                                     verifier="v" * 50))
    assert response.status_code == 400
    assert "Innloggingen kunne ikke fullføres" in response.text
    anonymous = type(web)(live_server.url).get(
        authorize_url(live_server.url, "no-such-client", live_server.url + CALLBACK_PATH))
    assert anonymous.status_code == 400


def test_management_command_registers_a_client_that_signs_in(live_server, shop_url, web, kari, capsys):
    redirect_uri = live_server.url + CALLBACK_PATH
    call_command("oidc_client_register", "--name", "Lager", "--type", "confidential",
                 "--redirect-uri", redirect_uri, "--client-id", "lager", "--skip-consent")
    out = capsys.readouterr().out
    secret = re.search(r"client_secret: (\S+)", out).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", secret)
    client = Client.objects.get(id="lager")
    assert client.get_grant_types() == ["authorization_code", "refresh_token"]
    assert client.get_response_types() == ["code"]
    assert secret not in client.secret
    web.login(kari.email, PASSWORD)
    assert sign_in_and_exchange(live_server, web, client, redirect_uri, secret=secret)[2].status_code == 200


@pytest.mark.parametrize("args", [
    ["--client-id", "lager"],  # exists
    ["--redirect-uri", "http://backoffice.example/cb"],  # plain http off loopback
    ["--scopes", "openid", "admin"],  # unknown scope
])
def test_management_command_refuses_bad_registrations(args, transactional_db):
    from django.core.management.base import CommandError

    call_command("oidc_client_register", "--name", "Lager", "--type", "public",
                 "--redirect-uri", "https://lager.example/cb", "--client-id", "lager")
    with pytest.raises(CommandError):
        call_command("oidc_client_register", "--name", "X", "--type", "public",
                     "--redirect-uri", "https://x.example/cb", *args)
    assert urlsplit(Client.objects.get(id="lager").get_redirect_uris()[0]).hostname == "lager.example"
