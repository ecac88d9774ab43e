"""The app API (allauth headless, "app" client) for the mobile app."""

import pytest
from django.test import Client as HttpClient

from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.data import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "/_allauth/app/v1"


def app():
    return HttpClient(enforce_csrf_checks=True)  # a native app: no cookies, no CSRF token


def login(http, email, password):
    return http.post(f"{BASE}/auth/login", {"email": email, "password": password},
                     content_type="application/json")


@pytest.fixture
def ola():
    user = UserFactory(email="ola@nordlys.example", name="Ola Nordmann", password=PASSWORD)
    MembershipFactory(user=user, customer__number="10001", customer__name="Nordlys Elektro AS",
                      role="innkjoper")
    return user


def test_login_returns_a_session_token_and_the_user_with_customers(ola):
    response = login(app(), ola.email, PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["session_token"]
    assert body["data"]["user"]["email"] == "ola@nordlys.example"
    assert body["data"]["user"]["name"] == "Ola Nordmann"
    assert body["data"]["user"]["customers"] == [
        {"number": "10001", "name": "Nordlys Elektro AS", "role": "innkjoper"}
    ]


def test_session_token_gives_the_current_user_and_logout_ends_it(ola):
    token = login(app(), ola.email, PASSWORD).json()["meta"]["session_token"]
    http = app()
    response = http.get(f"{BASE}/auth/session", headers={"X-Session-Token": token})
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == ola.pk

    assert http.delete(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 401
    assert http.get(f"{BASE}/auth/session", headers={"X-Session-Token": token}).status_code == 410


def test_wrong_password_and_unknown_email_get_the_same_answer(ola):
    wrong = login(app(), ola.email, "Feil-passord-123")
    unknown = login(app(), "ingen@firma.example", "Feil-passord-123")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["errors"] == unknown.json()["errors"]


def test_failed_logins_are_rate_limited_as_on_the_web(ola, client):
    codes = [login(app(), ola.email, "Feil-passord-123").json()["errors"][0]["code"] for _ in range(6)]
    assert codes[:5] == ["email_password_mismatch"] * 5
    assert codes[5] == "too_many_login_attempts"
    # Even the right password waits out the limit for that address, in the app and on the web.
    response = login(app(), ola.email, PASSWORD)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"
    # On the web the limited login gets the Norwegian 429 page.
    assert client.post("/konto/login/", {"login": ola.email, "password": PASSWORD}).status_code == 429


def test_password_change_through_the_app_api_ends_the_app_session_and_the_old_password(ola):
    token = login(app(), ola.email, PASSWORD).json()["meta"]["session_token"]
    response = app().post(
        f"{BASE}/account/password/change",
        {"current_password": PASSWORD, "new_password": "Nytt-passord-for-alt-77"},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert response.status_code in (200, 401)
    assert login(app(), ola.email, PASSWORD).status_code == 400
    assert login(app(), ola.email, "Nytt-passord-for-alt-77").status_code == 200


def test_password_reset_request_answers_the_same_for_unknown_addresses(
    ola, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves through the outbox
        known = app().post(f"{BASE}/auth/password/request", {"email": ola.email},
                           content_type="application/json")
        unknown = app().post(f"{BASE}/auth/password/request", {"email": "ingen@firma.example"},
                             content_type="application/json")
    assert known.status_code == unknown.status_code == 200
    assert [m.to for m in mailoutbox if ola.email in m.to]


def test_browser_variant_is_not_exposed():
    response = app().post("/_allauth/browser/v1/auth/login", {}, content_type="application/json")
    assert response.status_code == 404
