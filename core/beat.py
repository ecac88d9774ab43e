"""The beat scheduler: celery-redbeat's (schedule and a lock in Redis), plus a last-tick record.

RedBeat gives one scheduler across hosts: beat takes a Redis lock at start-up and extends it on every
tick; a second beat blocks on the lock and takes over once it expires. What RedBeat does not keep
is when beat last ticked, which the beat health check needs (`python -m core.probe beat`): a beat
that holds the lock but hangs would otherwise look healthy until the lock expires.
"""

import time

from redbeat import RedBeatScheduler
from redbeat.schedulers import get_redis


def last_tick_key(app) -> str:
    return f"{app.redbeat_conf.key_prefix}:last-tick"


class Scheduler(RedBeatScheduler):
    def tick(self, *args, **kwargs):
        remaining = super().tick(*args, **kwargs)
        # Only the lock holder ticks (the other one is still blocked in start-up).
        get_redis(self.app).set(last_tick_key(self.app), f"{time.time():.3f}", ex=int(self.lock_timeout))
        return remaining
