"""Sessions: Django's cached_db store, read in one round trip together with its user's snapshot.

A logged-in page needs the session (whose user is this?) and then that user's snapshot
(accounts.snapshot): two round trips to Redis, one after the other, and on this machine each
costs more than rendering a cached page (docs/PERFORMANCE.md). The user a session key belongs to
never changes (Django's login() gives the session a new key, logout() flushes it), so the store
remembers it per key in this process and, the next time that key comes, asks Redis for the session
and the snapshot's keys at once. `snapshot.user_load` takes what came back only for that user and
only in the request that loaded it; a wrong guess costs nothing but the usual second round trip.

Storage is cached_db's own (same cache keys, same rows), so sessions move between the two freely.
"""

import threading

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from . import snapshot

# session key -> user id, as this process last loaded it; bounded (oldest first out).
_USERS_MAX = 50_000
_users: dict[str, str] = {}
_users_lock = threading.Lock()


class SessionStore(cached_db.SessionStore):
    def load(self):
        snapshot.prefetch_set()  # whatever an earlier request of this thread left is never used
        user_id = _users.get(self.session_key) if self.session_key else None
        if user_id is None:
            data = super().load()
        else:
            found = self._cache.get_many([self.cache_key, *snapshot.keys_of(user_id)])
            data = found.pop(self.cache_key, None)
            if data is None:
                data = super().load()
            else:
                snapshot.prefetch_set(user_id, found)
        self._remember(data.get(SESSION_KEY))
        return data

    def _remember(self, user_id) -> None:
        if not user_id or not self.session_key or _users.get(self.session_key) == user_id:
            return
        with _users_lock:  # gthread workers load sessions from several threads
            if len(_users) >= _USERS_MAX:
                del _users[next(iter(_users))]
            _users[self.session_key] = user_id
