"""With REDIS_URL set, tasks go through Redis to a real Celery worker process."""

import pytest
from django.db import transaction

from core.email import email_enqueue
from core.models import OutboundEmail
from tests.fixtures.services import message_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_outbox_email_travels_through_redis_and_a_real_worker_to_the_smtp_server(celery_worker, smtp_sink):
    with transaction.atomic():
        row = email_enqueue(key="worker:1", kind="test", to="ola@firma.example",
                            template="email/core/test", context={"name": "Ola"})
    received = smtp_sink.wait_for(1)
    assert received[0]["To"] == "ola@firma.example"
    assert "Hei Ola!" in message_text(received[0])
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT


def test_a_task_result_comes_back_from_the_worker(celery_worker):
    from core.tasks import ping

    assert ping.delay().get(timeout=20) == "pong"
