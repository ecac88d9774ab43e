"""The outbox's sending rate limit (`EMAIL_RATE_LIMIT_PER_MINUTE`), shared by all workers in Redis.

Email providers cap how many messages an account may send per minute; a wave of 30,000
invitations must not trip that cap. Every worker takes its messages from one counter per clock
minute (`EMAIL_RATE_LIMIT_WINDOW_SECONDS`, shorter in tests) in Redis (a fixed window, taken atomically by a small Lua script); rows over the limit stay
pending and are due again when the next minute starts, so nothing is lost or sent twice. 0 (the
default) means no limit and no Redis round trip.

Why not Celery's `rate_limit` task option: it is per worker process, not shared, so two workers
would send twice the limit.
"""

import time

from django.conf import settings

# Grants up to ARGV[1] of the ARGV[2] messages the window allows; returns how many were granted.
_ACQUIRE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if grant <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], grant)
redis.call('EXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
return grant
"""

_client = None


class RateLimited(Exception):
    """Over the sending limit: try again in `countdown` seconds (the row stays pending)."""

    def __init__(self, countdown: float):
        super().__init__(f"email rate limit reached; next window in {countdown:.0f} s")
        self.countdown = countdown


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    return _client


def _window() -> tuple[int, int]:
    """(window length in seconds, messages allowed per window)."""
    seconds = max(1, settings.EMAIL_RATE_LIMIT_WINDOW_SECONDS)
    return seconds, max(1, settings.EMAIL_RATE_LIMIT_PER_MINUTE * seconds // 60)


def seconds_to_next_window(now: float | None = None) -> float:
    if not settings.EMAIL_RATE_LIMIT_PER_MINUTE:
        return 0.0
    seconds, _allowed = _window()
    now = time.time() if now is None else now
    return seconds - (now % seconds) + 0.05


def outbox_rate_acquire(wanted: int) -> int:
    """How many of `wanted` messages may go now (all of them when there is no limit).

    Without Redis (eager Celery, one process) the limit cannot be shared and is not applied. With
    Redis unreachable the error propagates: the caller's retry keeps the row pending (fail closed).
    """
    if wanted <= 0 or not settings.EMAIL_RATE_LIMIT_PER_MINUTE or not settings.REDIS_URL:
        return max(wanted, 0)
    seconds, allowed = _window()
    key = f"outbox:rate:{seconds}:{int(time.time() // seconds)}"
    return int(_redis().eval(_ACQUIRE, 1, key, wanted, allowed, seconds))
