"""Health probes for the worker and beat containers: `python -m core.probe worker|beat`.

They run every few seconds beside the real process, so they must be cheap: no Django set-up (which
would load every app and open database connections), only the broker Redis named in REDIS_URL.
Exit status 0 = healthy, 1 = not; one line on stdout says why.

- worker: the worker with this host's node name answers a Celery ping through the broker.
- beat: the scheduler lock exists in Redis and the lock holder ticked recently (core/beat.py).
"""

import os
import socket
import sys
import time


def _redis():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5, socket_connect_timeout=5)


def worker(node: str | None = None, timeout: float = 5.0) -> tuple[bool, str]:
    from celery import Celery

    node = node or os.environ.get("WORKER_NODE_NAME") or f"celery@{socket.gethostname()}"
    app = Celery(broker=os.environ["REDIS_URL"], set_as_current=False)
    try:
        replies = app.control.ping(destination=[node], timeout=timeout)
    finally:
        app.close()
    if replies:
        return True, f"{node}: pong"
    return False, f"{node}: no answer within {timeout:g}s"


def beat(max_age: float | None = None) -> tuple[bool, str]:
    prefix = os.environ.get("BEAT_KEY_PREFIX", "redbeat:")
    max_age = max_age or 2 * float(os.environ.get("BEAT_MAX_LOOP_INTERVAL", "30")) + 30
    client = _redis()
    if not client.exists(f"{prefix}:lock"):
        return False, "no beat holds the scheduler lock"
    raw = client.get(f"{prefix}:last-tick")
    if raw is None:
        return False, "the scheduler lock is held but beat has not ticked yet"
    age = time.time() - float(raw)
    if age > max_age:
        return False, f"beat last ticked {age:.0f}s ago (limit {max_age:.0f}s)"
    return True, f"lock held, last tick {age:.0f}s ago"


def main(argv: list[str]) -> int:
    checks = {"worker": worker, "beat": beat}
    if len(argv) != 1 or argv[0] not in checks:
        print("usage: python -m core.probe worker|beat")
        return 2
    try:
        ok, message = checks[argv[0]]()
    except Exception as exc:  # Redis unreachable etc.: unhealthy, with the reason
        ok, message = False, f"{type(exc).__name__}: {exc}"
    print(f"{argv[0]}: {'ok' if ok else 'unhealthy'}: {message}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
