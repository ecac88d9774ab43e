"""The one rate-limit helper of the migration app (cache counters per IP and per key)."""

import hashlib

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def _client_ip(request) -> str:
    """The client's address as allauth sees it (honours TRUSTED_PROXY_COUNT / the trusted header), so
    behind a load balancer every customer is not counted as the load balancer's one address."""
    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except PermissionDenied:
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(bucket: str, limit: int, period: int) -> bool:
    """Count one request in `bucket`; True while within `limit` per `period` seconds."""
    key = "migration-rl:" + hashlib.sha256(bucket.encode()).hexdigest()
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit


def rate_limit_exceeded(request, action: str, *, key: str = "") -> bool:
    """Count this request for `action`; True if the IP or the key (username, email) is over its limit."""
    rules = settings.MIGRATION_RATE_LIMITS[action]
    over = False
    limit, period = rules["ip"]
    if not _hit(f"{action}:ip:{_client_ip(request)}", limit, period):
        over = True
    if key and "key" in rules:
        limit, period = rules["key"]
        if not _hit(f"{action}:key:{key.strip().lower()}", limit, period):
            over = True
    return over


def too_many_requests(request):
    return render(request, "429.html", status=429)
