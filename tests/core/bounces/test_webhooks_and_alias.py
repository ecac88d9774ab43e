"""A provider's signed bounce webhook (django-anymail, Mailgun's format) and the domain switch."""

import hashlib
import hmac
import json
import time

import pytest

from core.email import email_enqueue
from core.models import OutboundEmail

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-test-signing-0123456789"
WEBHOOK_SECRET = "anymail:hemmelig-delt-nokkel"


@pytest.fixture
def provider(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": WEBHOOK_SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def _payload(*, row, event="failed", severity="permanent", key=SIGNING_KEY):
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "severity": severity,
            "timestamp": time.time(),
            "id": "evt1",
            "recipient": row.to,
            "reason": "bounce",
            "delivery-status": {"code": 550, "message": "5.1.1 The email account does not exist"},
            "message": {"headers": {"message-id": row.message_id().strip("<>")}},
            "user-variables": {"outbox_id": str(row.pk)},
        },
    }


def _post(client, payload, secret=WEBHOOK_SECRET):
    import base64

    auth = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post("/anymail/mailgun/tracking/", data=json.dumps(payload),
                       content_type="application/json", HTTP_AUTHORIZATION=auth)


def _row(key="hook:1", to="kari@firma.example"):
    return email_enqueue(key=key, kind="test", to=to, template="email/core/test", context={"name": "Kari"})


def test_signed_permanent_failure_marks_the_row_i_retur(client, provider):
    row = _row()
    assert _post(client, _payload(row=row)).status_code == 200
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.BOUNCED
    assert row.bounce_reason.lower().startswith("mailgun: bounced") and "does not exist" in row.bounce_reason


def test_a_complaint_counts_and_a_temporary_failure_does_not(client, provider):
    complained, deferred = _row("hook:2"), _row("hook:3", to="ola@firma.example")
    assert _post(client, _payload(row=complained, event="complained")).status_code == 200
    assert _post(client, _payload(row=deferred, severity="temporary")).status_code == 200
    complained.refresh_from_db()
    deferred.refresh_from_db()
    assert complained.status == OutboundEmail.Status.BOUNCED
    assert deferred.status != OutboundEmail.Status.BOUNCED and not deferred.bounce_reason


def test_a_wrong_signature_or_secret_changes_nothing(client, provider):
    row = _row()
    assert _post(client, _payload(row=row, key="not-the-key")).status_code == 400
    assert _post(client, _payload(row=row), secret="anymail:feil").status_code in (400, 401, 403)
    row.refresh_from_db()
    assert row.status != OutboundEmail.Status.BOUNCED


@pytest.fixture
def switched(settings):
    """After the switch: the shop lives on its main address; the beta address is an alias."""
    settings.SHOP_URL = "https://butikk.example"
    settings.SHOP_URL_ALIASES = ["https://beta.butikk.example"]
    settings.ALLOWED_HOSTS = ["butikk.example", "beta.butikk.example"]
    settings.LEGACY_SHOP_URL = "https://gammel.butikk.example/"


def test_alias_host_redirects_permanently_keeping_path_and_query(client, switched):
    response = client.get("/hjelp/sok/?q=kabel&side=2", HTTP_HOST="beta.butikk.example", secure=True)
    assert response.status_code == 301
    assert response["Location"] == "https://butikk.example/hjelp/sok/?q=kabel&side=2"
    # The main host is served as usual, and an unknown host is refused (400), not redirected.
    assert client.get("/hjelp/", HTTP_HOST="butikk.example", secure=True).status_code == 200
    assert client.get("/hjelp/", HTTP_HOST="annen.example", secure=True).status_code == 400
