import pytest

from faq.models import SupportRequest
from tests.fixtures.services import message_text

pytestmark = [pytest.mark.worker, pytest.mark.postgres]


def test_contact_request_emails_go_through_a_real_worker(
    celery_worker, smtp_sink, client, contact_data, customer
):
    response = client.post("/kontakt/", contact_data(customer_number=customer.number, topic="flytting"))
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    smtp_sink.wait_for(2)
    assert len(smtp_sink.to(customer.branch.email)) == 1
    receipt = smtp_sink.to("ola@firma.example")
    assert len(receipt) == 1
    assert request.reference in message_text(receipt[0])
