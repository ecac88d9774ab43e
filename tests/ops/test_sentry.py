"""Error reports: SENTRY_DSN turns sentry-sdk on; what it would send carries no personal data.

No network: a transport that keeps the envelopes in memory stands in for Sentry's HTTP one; the
events are exactly what would have been sent.
"""

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from core.sentry import sentry_init

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "AbCdEf0123456789:1vXyZq:signed-token-part"
SECRETS = ["ola.nordmann@kunde.example", TOKEN, "Hemmelig-passord-42", "sessionid-value-123", "kari@firma.example"]


class MemoryTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [item.payload.json for env in self.envelopes for item in env.items if item.type == "event"]


@pytest.fixture
def sentry():
    transport = MemoryTransport()
    sentry_init(dsn="https://public@errors.invalid/1", environment="test", release="abc123", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: nothing is sent by later tests


def _wsgi_post(path: str, body: str, headers: dict) -> str:
    """A request through the WSGI application, as gunicorn makes it (sentry-sdk wraps that entry)."""
    from wsgiref.util import setup_testing_defaults

    from config.wsgi import application

    path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "HTTP_HOST": "testserver", "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body.encode())}
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    setup_testing_defaults(environ)
    status = []
    # As Django's test client does: the request must not close the test's database connection
    # (request_started → close_old_connections closes one inside the test's transaction).
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        b"".join(application(environ, lambda s, h, exc_info=None: status.append(s)))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return status[0]


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls_sentry")
def test_a_500_is_reported_with_tags_and_without_personal_data_or_tokens(sentry):
    status = _wsgi_post(
        f"/feil/{TOKEN}/?email=kari@firma.example", "password=Hemmelig-passord-42&note=kari@firma.example",
        {"Cookie": "sessionid=sessionid-value-123; csrftoken=abc", "Authorization": "Bearer Hemmelig-passord-42",
         "X-Forwarded-For": "198.51.100.7"},
    )
    assert status.startswith("500")

    (event,) = sentry.events()
    assert event["environment"] == "test" and event["release"] == "abc123"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["url"].endswith("/feil/[Filtered]/") and event["request"]["method"] == "POST"
    text = json.dumps(event)
    for secret in [*SECRETS, "198.51.100.7"]:
        assert secret not in text, secret
    assert "[Filtered]" in text
    assert "cookies" not in event["request"] and "data" not in event["request"]
    headers = {k.lower(): v for k, v in event["request"].get("headers", {}).items()}
    assert headers.get("authorization") in (None, "[Filtered]") and headers.get("cookie") in (None, "[Filtered]")
    assert set(event.get("user", {})) <= {"id"}


def test_log_errors_and_their_breadcrumbs_are_scrubbed_too(sentry):
    logging.getLogger("shop.test").warning("login failed for kari@firma.example")
    logging.getLogger("shop.test").error("reset link /konto/passord/nullstill/%s/ rejected", TOKEN)
    events = sentry.events()
    assert events, "an error log line becomes an event"
    text = json.dumps(events)
    assert "kari@firma.example" not in text and TOKEN not in text
    assert "rejected" in text


def test_no_dsn_no_sentry():
    probe = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert out.stdout.strip() == "False"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.base",
                              "SENTRY_DSN": "https://public@errors.invalid/1"})
    assert out.stdout.strip() == "True"
