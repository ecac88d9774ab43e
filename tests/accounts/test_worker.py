"""allauth's emails and invitations leave through the outbox and a real Celery worker."""

import pytest
from django.urls import reverse

from core.models import OutboundEmail
from tests.factories import MembershipFactory
from tests.fixtures.services import message_text

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def test_reset_and_invitation_emails_are_sent_by_the_worker_in_norwegian(client, celery_worker, smtp_sink):
    admin = MembershipFactory(role="administrator", user__password="Riktig-hemmelig-42")
    client.post(reverse("account_reset_password"), {"email": admin.user.email})
    client.force_login(admin.user)
    data = {"email": "kollega@firma.example", "name": "Kollega", "role": "innkjoper"}
    client.post(reverse("accounts:user_add"), data)
    smtp_sink.wait_for(2)
    [reset] = smtp_sink.to(admin.user.email)
    assert reset["Subject"] == "Lag nytt passord i Elektrogrossisten"
    assert "/konto/password/reset/key/" in message_text(reset)
    [invitation] = smtp_sink.to("kollega@firma.example")
    assert admin.customer.name in invitation["Subject"]
    assert "/konto/invitasjon/" in message_text(invitation)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
