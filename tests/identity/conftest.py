"""A real relying party (Authlib) and a browser stand-in (requests) against the live server."""

import gc
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from allauth.idp.oidc.models import Client
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

from identity.claims import CUSTOMERS_SCOPE

SCOPE = f"openid email profile {CUSTOMERS_SCOPE}"
CALLBACK_PATH = "/rp/callback"  # never fetched: the code is read off the redirect
LOGGED_OUT_PATH = "/rp/logget-ut"


def register_client(*, name, client_type, redirect_uris, secret=None, skip_consent=True,
                    post_logout_redirect_uris=()):
    client = Client(name=name, type=client_type, skip_consent=skip_consent)
    client.set_scopes(SCOPE.split())
    client.set_default_scopes(SCOPE.split())
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN])
    client.set_response_types(["code"])
    client.set_redirect_uris(redirect_uris)
    client.set_post_logout_redirect_uris(list(post_logout_redirect_uris))
    client.set_secret(secret or secrets.token_urlsafe(32))
    client.save()
    return client


class _OneRequestPerConnection(requests.adapters.HTTPAdapter):
    """No keep-alive: the live server's request thread ends with each response.

    A kept-alive connection holds a server thread that only finishes when the client lets go,
    possibly after the test has ended and the server has stopped sharing the test's database
    connection with its threads.
    """

    def send(self, *args, **kwargs):
        response = super().send(*args, **kwargs)
        response.content  # read to the end: the connection goes back to the pool...  # noqa: B018
        self.poolmanager.clear()  # ...and is closed there
        return response


@pytest.fixture(autouse=True)
def _finish_server_threads():
    """After each test, let go of every client connection and wait for the server's threads."""
    yield
    gc.collect()  # closes the sockets of sessions nobody refers to any more
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=2)


def no_keep_alive(session):
    session.mount("http://", _OneRequestPerConnection())
    return session


class Browser:
    """A person in a web browser: a cookie jar, following redirects by hand."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.session = no_keep_alive(requests.Session())

    def url(self, path):
        return urljoin(self.base_url, path)

    def get(self, url, **kwargs):
        response = self.session.get(self.url(url), allow_redirects=False, timeout=10, **kwargs)
        response.content  # read it all, so the connection goes back to the pool  # noqa: B018
        return response

    def follow(self, response, *, stop_at=None, limit=10):
        """Follow redirects until a page, or until the Location starts with `stop_at`."""
        for _ in range(limit):
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303) or not location:
                return response
            location = urljoin(response.url, location)
            if stop_at and location.startswith(stop_at):
                return response
            response = self.get(location)
        raise AssertionError("too many redirects")

    def post_form(self, url, data):
        csrf = self.session.cookies.get("csrftoken")
        response = self.session.post(
            self.url(url),
            data={"csrfmiddlewaretoken": csrf, **data},
            headers={"Referer": self.url(url)},
            allow_redirects=False,
            timeout=10,
        )
        response.content  # noqa: B018
        return response

    def login(self, email, password, *, next_url=None):
        """Fill in the shop's login form (allauth's fields `login` and `password`)."""
        login_url = "/konto/login/" + (f"?next={requests.utils.quote(next_url)}" if next_url else "")
        page = self.get(login_url)
        assert page.status_code == 200, page.status_code
        return self.post_form(login_url, {"login": email, "password": password})

    def change_password(self, old, new):
        """allauth's change-password form, behind «Min konto»."""
        page = self.get("/konto/password/change/")
        assert page.status_code == 200, page.status_code
        response = self.post_form(
            "/konto/password/change/", {"oldpassword": old, "password1": new, "password2": new}
        )
        assert response.status_code == 302, response.text[:2000]
        return response


@dataclass
class RelyingParty:
    """The back office (or the app): Authlib with PKCE, trusting only discovery and the JWKS."""

    base_url: str
    client_id: str
    client_secret: str | None
    redirect_uri: str

    def __post_init__(self):
        # Not requests.get(): its throwaway session leaves the connection open (and a live-server
        # thread waiting on it) until garbage collection.
        self.http = no_keep_alive(requests.Session())
        self.discovery = self.http.get(
            urljoin(self.base_url, "/.well-known/openid-configuration"), timeout=10
        ).json()
        self.oauth = self.new_session()

    def new_session(self, token=None):
        kwargs = {"token_endpoint_auth_method": "none"} if self.client_secret is None else {}
        return no_keep_alive(OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token=token,
            **kwargs,
        ))

    def authorization_url(self):
        self.code_verifier = generate_token(48)
        self.nonce = generate_token(20)
        url, self.state = self.oauth.create_authorization_url(
            self.discovery["authorization_endpoint"], code_verifier=self.code_verifier, nonce=self.nonce
        )
        return url

    def sign_in(self, browser, email, password):
        """The whole front channel: authorize → login form → back to authorize → our callback.

        Returns the callback URL with the code, or None when no code was issued (the response
        where the flow stopped is kept in `self.stopped_at`).
        """
        response = browser.get(self.authorization_url())
        response = browser.follow(response, stop_at=self.redirect_uri)
        if response.status_code == 200 and urlparse(response.url).path == "/konto/login/":
            response = browser.post_form(response.url, {"login": email, "password": password})
            response = browser.follow(response, stop_at=self.redirect_uri)
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.startswith(self.redirect_uri):
            return location
        self.stopped_at = response
        return None

    def fetch_token(self, callback_url):
        return self.oauth.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=callback_url,
            code_verifier=self.code_verifier,
        )

    def refresh(self, refresh_token):
        return self.new_session().refresh_token(
            self.discovery["token_endpoint"], refresh_token=refresh_token
        )

    def jwks(self):
        response = self.http.get(self.discovery["jwks_uri"], timeout=10)
        return JsonWebKey.import_key_set(response.json())

    def verify_id_token(self, id_token, *, nonce=None):
        claims = jwt.decode(
            id_token,
            self.jwks(),
            claims_options={
                "iss": {"essential": True, "value": self.discovery["issuer"]},
                "aud": {"essential": True, "value": self.client_id},
                "nonce": {"essential": True, "value": nonce or self.nonce},
            },
        )
        claims.validate()
        return claims

    def userinfo(self, access_token):
        session = self.new_session(token={"access_token": access_token, "token_type": "Bearer"})
        return session.get(self.discovery["userinfo_endpoint"], timeout=10)


def callback_params(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


@pytest.fixture
def web(live_server):
    return Browser(live_server.url)


@pytest.fixture
def shop_url(live_server, settings):
    """The live server is the shop: SHOP_URL (the issuer, links in emails) points at it."""
    settings.SHOP_URL = live_server.url
    return live_server.url


@pytest.fixture
def backoffice(live_server, transactional_db, shop_url):
    secret = secrets.token_urlsafe(32)
    redirect_uri = live_server.url + CALLBACK_PATH
    client = register_client(
        name="Backoffice", client_type=Client.Type.CONFIDENTIAL, redirect_uris=[redirect_uri], secret=secret,
        post_logout_redirect_uris=[live_server.url + LOGGED_OUT_PATH],
    )
    return RelyingParty(live_server.url, client.id, secret, redirect_uri)


@pytest.fixture
def mobile_app(live_server, transactional_db, shop_url):
    # A loopback redirect URI, as a native app's test build would register (RFC 8252).
    redirect_uri = live_server.url + CALLBACK_PATH
    client = register_client(name="Mobilapp", client_type=Client.Type.PUBLIC, redirect_uris=[redirect_uri])
    return RelyingParty(live_server.url, client.id, None, redirect_uri)
