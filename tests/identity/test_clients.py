"""Registering the other systems: demo clients, admin, consent for clients that are not ours."""

import html
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from allauth.idp.oidc.models import Client
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from identity import demo
from tests.factories import UserFactory
from tests.fixtures.data import PASSWORD
from tests.fixtures.mfa import reauthenticate

pytestmark = pytest.mark.django_db


def authorize_url(client_id, redirect_uri, scope="openid email profile customers"):
    return "/identity/o/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
        "state": "s1", "code_challenge": create_s256_code_challenge(generate_token(48)),
        "code_challenge_method": "S256",
    })


def test_demo_seed_registers_backoffice_and_mobilapp_once():
    first = demo.seed()
    second = demo.seed()
    assert first == second
    assert [login for login, _, _ in first] == ["backoffice", "mobilapp"]
    assert Client.objects.count() == 2
    backoffice = Client.objects.get(id="backoffice")
    assert backoffice.name == "Backoffice"
    assert backoffice.type == Client.Type.CONFIDENTIAL
    assert backoffice.check_secret(demo.BACKOFFICE_DEMO_SECRET)
    assert backoffice.skip_consent
    assert "customers" in backoffice.get_scopes()
    mobilapp = Client.objects.get(id="mobilapp")
    assert mobilapp.type == Client.Type.PUBLIC
    assert "refresh_token" in mobilapp.get_grant_types()


def test_mobilapp_gets_its_code_on_its_own_url_scheme(client):
    demo.seed()
    user = UserFactory(password=PASSWORD)
    client.force_login(user)
    response = client.get(authorize_url("mobilapp", "no.elektrogrossisten.mobilapp:/oauth2redirect"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("no.elektrogrossisten.mobilapp:/oauth2redirect?")
    assert parse_qs(urlparse(location).query)["state"] == ["s1"]


def test_a_client_that_is_not_ours_asks_for_consent_and_explains_the_customers_scope(client):
    partner = Client(id="partner", name="Partnerportal", skip_consent=False)
    partner.set_scopes(["openid", "customers"])
    partner.set_redirect_uris(["https://partner.example/cb"])
    partner.save()
    client.force_login(UserFactory(password=PASSWORD))
    response = client.get(authorize_url("partner", "https://partner.example/cb", scope="openid customers"))
    assert response.status_code == 200
    assert "Partnerportal" in response.content.decode()
    assert "Se hvilke kunder du handler for" in response.content.decode()


def test_scope_outside_the_clients_allowance_gets_an_error_not_a_code(client):
    partner = Client(id="partner", name="Partnerportal", skip_consent=True)
    partner.set_scopes(["openid"])
    partner.set_redirect_uris(["https://partner.example/cb"])
    partner.save()
    client.force_login(UserFactory(password=PASSWORD))
    response = client.get(authorize_url("partner", "https://partner.example/cb", scope="openid customers"))
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_scope"]


def test_staff_register_a_client_in_admin_and_see_the_secret_once(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/allauth_idp_oidc/client/add/").status_code == 200
    response = client.post("/admin/allauth_idp_oidc/client/add/", {
        "id": "lager", "name": "Lagersystem", "type": "confidential",
        "scopes": "openid\nemail\nprofile\ncustomers", "default_scopes": "openid",
        "grant_types": "authorization_code\nrefresh_token", "response_types": "code",
        "redirect_uris": "https://lager.example/oidc/callback", "cors_origins": "",
        "skip_consent": "on", "data": "null",
    }, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    secret = html.unescape(re.search(r'value="([^"]+)"', page[page.index("only shown once"):]).group(1))
    registered = Client.objects.get(id="lager")
    assert registered.check_secret(secret)
    assert registered.skip_consent
    assert client.get("/admin/allauth_idp_oidc/client/").status_code == 200


def test_new_secret_action_replaces_a_leaked_secret(client, staff_user):
    demo.seed()
    client.force_login(staff_user)
    response = client.post("/admin/allauth_idp_oidc/client/", {
        "action": "new_secret", "_selected_action": ["backoffice", "mobilapp"],
    })
    # a new secret asks for the password again first; allauth then replays the action
    response = reauthenticate(client, response, PASSWORD)
    response = client.get(response["Location"]) if response.status_code == 302 else response
    page = response.content.decode()
    new_secret = html.unescape(re.search(r"Backoffice \(backoffice\): <code>([^<]+)</code>", page).group(1))
    backoffice = Client.objects.get(id="backoffice")
    assert backoffice.check_secret(new_secret)
    assert not backoffice.check_secret(demo.BACKOFFICE_DEMO_SECRET)
    assert "mobilapp" not in re.findall(r"\((\w+)\): <code>", page)
