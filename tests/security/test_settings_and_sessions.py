"""Settings that make the outbox and the login safe; production headers; CSRF; session handling."""

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from config.celery import app
from core.delivery import retry_delay
from tests.fixtures.data import PASSWORD

from .helpers import walk_urls

ROOT = Path(__file__).resolve().parents[2]


# --- Celery ---------------------------------------------------------------------------------------


def test_celery_acknowledges_late_and_requeues_tasks_of_a_dead_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_retry_countdown_stays_below_the_broker_visibility_timeout():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    delays = [retry_delay(attempt) for attempt in range(1, 100)]
    assert max(delays) < visibility
    assert delays == sorted(delays), "backoff never shrinks"
    assert delays[0] == settings.OUTBOX_RETRY_BASE_SECONDS


def test_the_outbox_task_itself_is_late_acked():
    from core.tasks import outbox_send

    assert outbox_send.acks_late is True
    assert outbox_send.reject_on_worker_lost is True


# --- Production settings: headers on a real request -------------------------------------------------

PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Hashed static names need collectstatic's manifest; the headers under test do not depend on it.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from django.core.management import call_command
call_command("migrate", verbosity=0)  # an in-memory SQLite database for the pages' help links
client = Client()
https = client.get("/konto/login/", secure=True, headers={"X-Forwarded-Proto": "https"})
http = client.get("/konto/login/")
csrf = https.cookies.get("csrftoken")
print(json.dumps({
    "status": https.status_code,
    "headers": dict(https.headers),
    "http_status": http.status_code,
    "http_location": http.get("Location", ""),
    "csrf_cookie_secure": bool(csrf and csrf["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "trusted_proxy_count": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


@functools.cache
def _signing_key() -> str:
    from identity.keys import generate_pem

    return generate_pem()


def _production_request(**extra_env):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "EMAIL_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="production-like-secret-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite:///:memory:",
        SHOP_URL="https://butikk.example",
        IDP_OIDC_PRIVATE_KEY=_signing_key(),
        **extra_env,
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return _production_request()


@pytest.fixture(scope="module")
def production_behind_proxy():
    return _production_request(TRUSTED_PROXY_COUNT="1")


def test_production_pages_carry_hsts_csp_frame_and_referrer_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert production["status"] == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"


def test_production_cookies_are_secure_and_http_is_redirected_to_https(production):
    assert production["csrf_cookie_secure"] is True
    assert production["session_cookie_secure"] is True
    assert production["session_cookie_httponly"] is True
    assert production["http_status"] == 301
    assert production["http_location"].startswith("https://")


def test_x_forwarded_for_is_not_trusted_unless_configured(production, production_behind_proxy):
    assert production["trusted_proxy_count"] == 0
    assert production_behind_proxy["trusted_proxy_count"] == 1


# --- CSRF on every POST, enumerated from the URL conf -------------------------------------------------

DUMMY = {"IntConverter": 1, "SlugConverter": "x", "PathConverter": "x", "StringConverter": "x", "regex": "1"}


# Protocol endpoints where a cookie-bound CSRF token cannot apply, each with the reason.
CSRF_EXEMPT_PREFIXES = {
    # The app API authenticates with the X-Session-Token header, never with the session cookie.
    "headless:app:": "token in a header",
    # OAuth/OIDC endpoints: token, revoke, userinfo and device code authenticate the client or the
    # bearer token; a client's initial authorization/device POST is redirected to a GET, and
    # allauth enforces CSRF itself on the consent and device-confirmation forms
    # (allauth.idp.oidc.views._enforce_csrf).
    "idp:oidc:": "OAuth protocol endpoints",
    # The provider's tracking webhook: authenticated by the webhook secret and the provider's
    # signature (tests/core/bounces/test_webhooks_and_alias.py), never by a session.
    "mailgun_tracking_webhook": "signed by the email provider",
}


def _every_reversible_url():
    for name, arguments in walk_urls(skip_namespaces=(), skip_allauth=False):
        if name.startswith("admin:") and name not in ("admin:login", "admin:logout", "admin:index"):
            continue  # model admin URLs share the admin site's CSRF handling; the login is what matters
        if name.startswith(tuple(CSRF_EXEMPT_PREFIXES)):
            continue
        try:
            yield name, reverse(name, kwargs={k: DUMMY[v] for k, v in arguments.items()} or None)
        except (NoReverseMatch, KeyError):
            pytest.fail(f"cannot build a URL for {name} {arguments}: add its converter to DUMMY")


def test_every_url_refuses_a_post_without_csrf_token(db, admin_a):
    urls = dict(_every_reversible_url())
    assert len(urls) > 40, "the URL conf walk found the project's URLs"
    refused, accepted = 0, []
    for logged_in in (False, True):
        client = Client(enforce_csrf_checks=True)
        if logged_in:
            client.force_login(admin_a.user)
        for name, url in urls.items():
            status = client.post(url, {"x": "1"}).status_code
            if status == 403:
                refused += 1
            else:
                accepted.append(f"{name} {url} -> {status} ({'logged in' if logged_in else 'anonymous'})")
    assert not accepted, "POST without CSRF token was not refused:\n" + "\n".join(accepted)
    print(f"\nCSRF: {refused} POSTs without a token refused over {len(urls)} URLs")


# --- Sessions ---------------------------------------------------------------------------------------


def test_login_gives_a_new_session_key(client, admin_a):
    client.get(reverse("account_login"))
    client.session["probe"] = 1
    session = client.session
    session["before_login"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_login"), {"login": admin_a.user.email, "password": PASSWORD})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert "_auth_user_id" in client.session
    assert after != before


def test_logout_kills_the_old_session_key_on_the_server(client, admin_a):
    from django.contrib.sessions.models import Session

    client.post(reverse("account_login"), {"login": admin_a.user.email, "password": PASSWORD})
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=old_key).exists()
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("accounts:users"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
