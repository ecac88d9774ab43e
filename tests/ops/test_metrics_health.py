"""/metrics (Prometheus, behind METRICS_TOKEN) and /healthz, as an operator's scraper sees them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core.models import OutboundEmail
from migration.models import State
from tests.factories import BranchFactory, CustomerFactory
from tests.migration.conftest import LegacyAccountFactory

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-0123456789abcdef"


def _samples(text: str) -> dict:
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_metrics_is_a_404_without_the_right_bearer_token(client, settings, header):
    settings.METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 404
    assert "shop_outbox" not in response.content.decode()


def test_metrics_is_a_404_when_no_token_is_configured_whatever_is_sent(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_reports_requests_and_the_shops_figures(client, token, django_assert_max_num_queries):
    oslo, bergen = BranchFactory(code="OSL"), BranchFactory(code="BRG")
    for _ in range(3):
        LegacyAccountFactory(customer=CustomerFactory(branch=oslo), state=State.INVITED)
    LegacyAccountFactory(customer=CustomerFactory(branch=bergen), state=State.ACTIVATED)
    for n, status in enumerate(["pending", "pending", "sent", "failed"]):
        OutboundEmail.objects.create(idempotency_key=f"k{n}", kind="t", to="a@b.example", template="t", status=status)
    OutboundEmail.objects.filter(idempotency_key="k0").update(created_at=timezone.now() - timedelta(minutes=10))
    client.get("/")  # one ordinary request, counted by django-prometheus

    with django_assert_max_num_queries(3):
        response = client.get("/metrics", **token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = _samples(response.content.decode())

    outbox = {labels[0][1]: value for (name, labels), value in samples.items() if name == "shop_outbox_emails"}
    assert outbox == {"pending": 2, "sending": 0, "sent": 1, "failed": 1, "bounced": 0}  # every status, zeros too
    assert 590 < samples[("shop_outbox_oldest_pending_age_seconds", ())] < 700
    assert samples[("shop_legacy_accounts", (("branch", "OSL"), ("state", "invited")))] == 3
    assert samples[("shop_legacy_accounts", (("branch", "BRG"), ("state", "activated")))] == 1
    assert any(name.startswith("django_http_requests_total") for name, _ in samples)
    assert any(name == "shop_celery_queue_length" for name, _ in samples) or not samples[("shop_broker_up", ())]


def test_metrics_query_count_does_not_grow_with_the_data(client, token, django_assert_max_num_queries):
    branch = BranchFactory()
    for _ in range(20):
        LegacyAccountFactory(customer=CustomerFactory(branch=branch))
    with django_assert_max_num_queries(3):
        assert client.get("/metrics", **token).status_code == 200


def test_probes_and_scrapers_reach_healthz_and_metrics_by_the_pods_address(client, settings, token):
    settings.ALLOWED_HOSTS = ["shop.example.no"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8000", **token).status_code == 200
    # Any other page by that address is still refused, and /metrics without the token too.
    assert client.get("/hjelp/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_deep_healthz_fails_on_an_outbox_backlog(client, settings):
    settings.HEALTHZ_OUTBOX_MAX_AGE_SECONDS = 600
    assert client.get("/healthz?deep=1").json()["checks"]["outbox"] == "ok"
    email = OutboundEmail.objects.create(idempotency_key="old", kind="t", to="a@b.example", template="t")
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/healthz?deep=1").status_code == 200
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    response = client.get("/healthz?deep=1")
    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == "backlog"
    assert 1700 < response.json()["outbox_oldest_pending_seconds"] < 1900
    # The plain check (the load balancer's) does not look at the backlog.
    assert client.get("/healthz").status_code == 200
