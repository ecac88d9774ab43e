"""/metrics for Prometheus: django-prometheus's request metrics plus the shop's own gauges.

Core's gauges (the outbox, the broker) are here; an app adds its own by naming a collector in
METRICS_COLLECTORS (migration.metrics: legacy accounts per state and branch), so core imports no app.

Guarded by METRICS_TOKEN (`Authorization: Bearer <token>`): without the setting, or without the
right token, the page is a 404 like any unknown URL. The shop's gauges are read when Prometheus
scrapes (a few database queries and one Redis round trip), so every web process answers the same
figures; the request metrics are per process unless PROMETHEUS_MULTIPROC_DIR is set (gunicorn.conf.py
sets it up), in which case they are summed over all gunicorn workers. The alerts built on these
names are listed in README «Operations».
"""

import hmac
import os

import prometheus_client
from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from prometheus_client.core import GaugeMetricFamily

# kombu's Redis transport keeps each priority level of a queue in its own list: "<queue>" for the
# default and "<queue>\x06\x16<n>" for the others (kombu.transport.redis.PRIORITY_STEPS).
_PRIORITY_SEP = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def celery_queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue on the broker (not counting those a worker holds)."""
    if not settings.REDIS_URL:
        return {}
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    with client.pipeline(transaction=False) as pipe:
        pipe.llen(queue)
        for step in _PRIORITY_STEPS:
            pipe.llen(f"{queue}{_PRIORITY_SEP}{step}")
        return {queue: sum(pipe.execute())}


class CoreCollector:
    """The outbox and the broker: figures an operator alerts on (README «Operations»: alerts)."""

    def collect(self):
        from core.models import OutboundEmail

        outbox = GaugeMetricFamily(
            "shop_outbox_emails", "Outbox rows per status (pending, sending, sent, failed).", labels=["status"]
        )
        counts = dict(OutboundEmail.objects.order_by().values_list("status").annotate(n=Count("pk")))
        for status in OutboundEmail.Status.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox

        oldest = OutboundEmail.objects.pending().aggregate(oldest=Min("created_at"))["oldest"]
        age = GaugeMetricFamily(
            "shop_outbox_oldest_pending_age_seconds",
            "Seconds the oldest pending outbox row has waited (0 when none is pending).",
        )
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
        yield age

        queues = GaugeMetricFamily(
            "shop_celery_queue_length", "Tasks waiting in the Celery queue on the broker.", labels=["queue"]
        )
        try:
            lengths = celery_queue_lengths()
            up = 1
        except Exception:  # the broker is down: say so in a gauge of its own, keep the rest
            lengths, up = {}, 0
        for queue, length in lengths.items():
            queues.add_metric([queue], length)
        yield queues
        broker = GaugeMetricFamily("shop_broker_up", "1 when the Celery broker (Redis) answered the scrape.")
        broker.add_metric([], up if settings.REDIS_URL else 0)
        yield broker


def _request_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


def authorised(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
def metrics(request):
    if not authorised(request):
        raise Http404
    shop = prometheus_client.CollectorRegistry(auto_describe=False)
    for path in settings.METRICS_COLLECTORS:
        shop.register(import_string(path)())
    body = prometheus_client.generate_latest(_request_registry()) + prometheus_client.generate_latest(shop)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
