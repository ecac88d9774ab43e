"""The order confirmation travels through the outbox and a real Celery worker to SMTP."""

import time

import pytest

from core.models import OutboundEmail
from tests.fixtures.services import message_text

from .conftest import place_order

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def test_order_confirmation_is_sent_once_by_the_worker(celery_worker, smtp_sink, buyer_member, product):
    order = place_order(buyer_member, [product], quantity=3, reference="Blokk B")
    [mail] = smtp_sink.wait_for(1)
    assert mail["To"] == buyer_member.user.email
    assert order.number in mail["Subject"]
    text = message_text(mail)
    assert "Blokk B" in text and product.name in text and "Sum inkl. mva" in text
    # The worker marks the row sent right after the SMTP server accepted the message.
    deadline = time.monotonic() + 10
    email = OutboundEmail.objects.get(idempotency_key=f"shop.order_confirmation:{order.pk}")
    while email.status != OutboundEmail.Status.SENT and time.monotonic() < deadline:
        time.sleep(0.1)
        email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    time.sleep(1)
    assert len(smtp_sink.messages) == 1
