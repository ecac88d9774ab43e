"""Cache-based fixed-window counters for the contact form (no third-party service).

One counter per key and window: `cache.add` starts it, `cache.incr` counts atomically on Redis.
"""

import hashlib
import time

from django.core.cache import cache


def _bucket_key(scope: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"contact-rl:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one event for `value`; False when this event goes over `limit` in the current window."""
    if not value:
        return True
    key = _bucket_key(scope, value, window)
    if cache.add(key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def exceeded(scope: str, value: str, *, limit: int, window: int) -> bool:
    """True when `value` has already used up `limit` in the current window (counts nothing)."""
    if not value:
        return False
    return (cache.get(_bucket_key(scope, value, window)) or 0) >= limit
