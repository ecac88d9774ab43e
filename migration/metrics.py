"""The move's figures on /metrics (core/metrics.py, named in METRICS_COLLECTORS)."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from .models import LegacyAccount


class LegacyAccountCollector:
    """Legacy accounts per move state and branch: how far each branch's move has come."""

    def collect(self):
        legacy = GaugeMetricFamily(
            "shop_legacy_accounts", "Legacy shop accounts per move state and branch.", labels=["state", "branch"]
        )
        rows = (
            LegacyAccount.objects.order_by()
            .values_list("state", "customer__branch__code")
            .annotate(n=Count("pk"))
        )
        for state, branch, n in rows:
            legacy.add_metric([state, branch or "-"], n)
        yield legacy
