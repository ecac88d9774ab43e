"""Re-authentication before an email change (issue #15 item 4) and breached passwords (item 10)."""

import hashlib
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import CommonPasswordValidator, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.breached import DATA_FILE, is_breached, shipped_filter
from core.models import OutboundEmail
from tests.fixtures.data import PASSWORD
from tests.fixtures.services import free_port

NEW = "ny.adresse@firma.example"
# In the shipped list, 12+ characters, and not in Django's 20,000 common passwords.
BREACHED = ["chesterfield", "Unbelievable", "whosyourdaddy", "123456789qqq"]


# --- item 4: the email change asks for the password ----------------------------------------


@pytest.mark.django_db
def test_email_change_in_an_open_session_asks_for_the_password_first(client, buyer_member):
    client.force_login(buyer_member.user)  # e.g. a session left open on a shared PC
    response = client.post(reverse("account_email"), {"action_add": "", "email": NEW})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW).exists()
    assert not OutboundEmail.objects.filter(to=NEW).exists()

    wrong = client.post(reverse("account_reauthenticate"), {"password": "Feil passord 2026"})
    assert wrong.status_code == 200
    assert client.post(reverse("account_email"), {"action_add": "", "email": NEW}).status_code == 302
    assert not EmailAddress.objects.filter(email=NEW).exists()

    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    client.post(reverse("account_email"), {"action_add": "", "email": NEW})
    assert EmailAddress.objects.filter(email=NEW, verified=False).exists()  # proven by link next


@pytest.mark.django_db
def test_reauthentication_page_is_norwegian(client, buyer_member):
    client.force_login(buyer_member.user)
    page = client.get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    assert "Passord" in page.content.decode()


@pytest.mark.django_db
def test_password_change_needs_the_current_password(client, buyer_member):
    client.force_login(buyer_member.user)
    before = buyer_member.user.password
    new = "En helt ny setning om sommeren 2026"
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": "Feil passord 2026", "password1": new, "password2": new})
    assert response.status_code == 200
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.password == before


def test_mfa_settings_ask_for_reauthentication(settings):
    # allauth.mfa reads this (default True); the staff work adds the app itself.
    assert settings.MFA_REAUTHENTICATION_REQUIRED is True


# --- item 10: breached passwords ---------------------------------------------------------------


def test_the_shipped_list_is_much_larger_than_djangos_and_small_on_disk():
    assert shipped_filter().entries > 20 * len(CommonPasswordValidator().passwords)
    assert DATA_FILE.stat().st_size < 3_000_000


@pytest.mark.parametrize("password", BREACHED)
def test_breached_passwords_djangos_list_lets_through_are_refused(password):
    CommonPasswordValidator().validate(password)  # Django's own list lets it through
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert "password_breached" in [e.code for e in error.value.error_list]


def test_strong_passwords_pass_and_composition_is_not_required():
    for password in ["alle tiders sommerferie på hytta", secrets.token_urlsafe(12), "kvitkvitkvitvær"]:
        validate_password(password)
    hits = sum(is_breached(secrets.token_urlsafe(12)) for _ in range(2000))
    assert hits <= 1  # about one in a million in theory


def test_length_below_twelve_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_password("kortogsøtt1")
    assert "password_too_short" in [e.code for e in error.value.error_list]


@pytest.mark.django_db
def test_min_konto_refuses_a_breached_password_next_to_the_field(client, buyer_member):
    client.force_login(buyer_member.user)
    before = buyer_member.user.password
    response = client.post(reverse("account_change_password"),
                           {"oldpassword": PASSWORD, "password1": "chesterfield", "password2": "chesterfield"})
    assert response.status_code == 200
    assert "kommet på avveie" in response.content.decode()
    buyer_member.user.refresh_from_db()
    assert buyer_member.user.password == before


class FakeRangeApi:
    """A local stand-in for the Pwned Passwords range API (k-anonymity): logs what it was asked."""

    def __init__(self, breached=(), status=200):
        self.requests = []
        fake = self
        suffixes = {}
        for password in breached:
            digest = hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324
            suffixes.setdefault(digest[:5], []).append(digest[5:])

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                fake.requests.append((self.path, dict(self.headers)))
                prefix = self.path.rsplit("/", 1)[-1]
                lines = [f"{s}:12" for s in suffixes.get(prefix, [])]
                lines += [f"{secrets.token_hex(17).upper()[:35]}:0" for _ in range(5)]  # padding
                body = "\r\n".join(lines).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/range/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_online_check_refuses_what_the_range_api_knows_and_sends_only_five_characters(settings):
    password = "Mitt eget nye passord som lakk i fjor"
    with FakeRangeApi(breached=[password]) as api:
        settings.PASSWORD_BREACH_RANGE_URL = api.url
        with pytest.raises(ValidationError) as error:
            validate_password(password)
        assert "password_breached" in [e.code for e in error.value.error_list]
        validate_password("En annen setning som ingen har lekket")
    digest = hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324
    path, headers = api.requests[0]
    assert path == "/range/" + digest[:5]
    assert digest[5:] not in path and password not in path
    assert headers.get("Add-Padding") == "true"


def test_online_check_is_off_unless_configured(settings):
    with FakeRangeApi(breached=["Ikke spurt om dette passordet"]) as api:
        settings.PASSWORD_BREACH_RANGE_URL = ""
        validate_password("Ikke spurt om dette passordet")
    assert api.requests == []


def test_online_check_fails_open_when_the_service_is_down_or_broken(settings, caplog):
    settings.PASSWORD_BREACH_RANGE_URL = f"http://127.0.0.1:{free_port()}/range/"
    settings.PASSWORD_BREACH_TIMEOUT_SECONDS = 1
    validate_password("Tjenesten svarer ikke i dag 2026")
    assert "unavailable" in caplog.text
    with FakeRangeApi(status=503) as api:
        settings.PASSWORD_BREACH_RANGE_URL = api.url
        validate_password("Tjenesten svarer med feil i dag")
    # The shipped list still applies without the service.
    with pytest.raises(ValidationError):
        validate_password("chesterfield")
