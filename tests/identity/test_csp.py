"""The login, consent and logout pages let the browser continue to registered clients only."""

import pytest
from allauth.idp.oidc.models import Client

from identity.middleware import policy_with_client_form_actions, source_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("uri", "source"), [
    ("https://backoffice.example/oidc/callback/", "https://backoffice.example"),
    ("https://Backoffice.Example:8443/cb", "https://backoffice.example:8443"),
    ("http://127.0.0.1:8001/oidc/callback/", "http://127.0.0.1:*"),
    ("http://[::1]/callback", "http://[::1]:*"),
    ("no.elektrogrossisten.mobilapp:/oauth2redirect", "no.elektrogrossisten.mobilapp:"),
    ("https://*.partner.example/cb", "https://*.partner.example"),
    ("https://evil.example;script-src *", None),
    ("/relative/path", None),
])
def test_redirect_uri_becomes_a_csp_source(uri, source):
    assert source_for(uri) == source


def test_only_form_action_is_widened():
    policy = "default-src 'self'; form-action 'self'; frame-ancestors 'none'"
    assert policy_with_client_form_actions(policy, ["https://a.example"]) == (
        "default-src 'self'; form-action 'self' https://a.example; frame-ancestors 'none'"
    )


def register(uri):
    client = Client(id="bo", name="Backoffice")
    client.set_redirect_uris([uri])
    client.save()
    return client


def test_login_page_allows_registered_clients_and_other_pages_stay_strict(client):
    register("https://backoffice.example/cb")
    login_csp = client.get("/konto/login/")["Content-Security-Policy"]
    assert "form-action 'self' https://backoffice.example;" in login_csp
    assert "script-src 'self';" in login_csp
    other_csp = client.get("/")["Content-Security-Policy"]
    assert "backoffice.example" not in other_csp


def test_a_changed_redirect_uri_reaches_the_policy_at_once(client):
    registered = register("https://gammel.example/cb")
    assert "gammel.example" in client.get("/konto/login/")["Content-Security-Policy"]
    registered.set_redirect_uris(["https://ny.example/cb"])
    registered.save()
    csp = client.get("/konto/login/")["Content-Security-Policy"]
    assert "ny.example" in csp
    assert "gammel.example" not in csp
