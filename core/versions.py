"""Cache versions: a value in the cache that moves on every write to what it stands for.

Whatever is cached under a version (a login snapshot, «Mine ordre») is keyed by it, so a write
needs to invalidate nothing by hand: it moves the version and the old entries are never read again.

- A version is read before the rows it stands for: a write that commits after the read moves it,
  so whatever is then stored under the old one is never taken for the new state.
- `versions_move` moves it at once (for this process's own reads within the transaction) and again
  when the transaction commits (another process that rebuilt from the old rows in between stored
  its result under the version that is now gone); after a rollback only the first move happened.
- Every value is one never used before (the clock in nanoseconds), so a version Redis lost and
  made anew never matches an entry stored under the old one.

(The catalogue version, `shop.caching`, counts up with `incr` and is read once a second per
process; these are read on every request.)
"""

import time

from django.core.cache import cache
from django.db import transaction


def version_get(key: str) -> int:
    """The version under `key`, made now if the cache has none."""
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key) or time.time_ns()
    return version


def versions_move(keys) -> None:
    """Move each of these versions, at once and again when the current transaction commits."""
    keys = sorted(set(keys))
    if not keys:
        return
    _move(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _move(keys), robust=True)


def _move(keys: list[str]) -> None:
    cache.set_many(dict.fromkeys(keys, time.time_ns()), timeout=None)
