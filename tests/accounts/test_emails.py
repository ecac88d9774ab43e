"""Every email allauth can send here is ours: Norwegian, HTML and plain text, via the outbox."""

import pytest

from accounts.adapter import AccountAdapter
from core.delivery import email_render
from core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_TEMPLATES = [
    "account/email/password_reset_key",
    "account/email/unknown_account",
    "account/email/password_reset",
    "account/email/password_changed",
    "account/email/password_set",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_changed",
    "account/email/email_deleted",
    "account/email/account_already_exists",
]


@pytest.mark.parametrize("prefix", ALLAUTH_TEMPLATES)
def test_allauth_email_is_queued_and_renders_in_norwegian_html_and_text(rf, prefix, settings):
    settings.SHOP_URL = "https://butikk.example"
    user = UserFactory(name="Åse <Ørn> & Co")
    request = rf.get("/", HTTP_HOST="evil.example")
    adapter = AccountAdapter(request)
    adapter.send_mail(
        prefix,
        user.email,
        {
            "user": user,
            "request": request,
            "password_reset_url": "http://evil.example/konto/password/reset/key/x/",
            "activate_url": "http://evil.example/konto/confirm-email/k/",
            "from_email": "gammel@firma.example",
            "to_email": "ny@firma.example",
            "deleted_email": "borte@firma.example",
            "timestamp": __import__("django.utils.timezone", fromlist=["now"]).now(),
        },
    )
    row = OutboundEmail.objects.get()
    assert row.to == user.email
    message = email_render(row)
    html = message.alternatives[0][0]
    assert message.subject and "Hei" in message.body
    assert "evil.example" not in message.body + html, "links use SHOP_URL, never the request's host"
    assert "&lt;Ørn&gt;" in html or "Ørn" not in html
    assert "<Ørn>" not in html


def test_context_stored_in_the_outbox_is_plain_json(rf):
    user = UserFactory()
    AccountAdapter(rf.get("/")).send_mail("account/email/password_changed", user.email, {"user": user})
    row = OutboundEmail.objects.get()
    assert all(isinstance(value, str | int) for value in row.context.values())
