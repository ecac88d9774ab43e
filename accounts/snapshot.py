"""Who is looking: the user and their active memberships (with customer and branch), per request.

Every page needs both, and reading them was two queries and half of a cached page's time. They are
kept in the cache as one snapshot, valid while two versions stand still:

- the user's own version, moved by every write to that user or to one of their memberships;
- the directory version, moved by every write to any customer or branch (one such write can
  concern many users, and customers and branches change seldom).

Both are `core.versions`: read before the rows, moved at once and again when the write commits.
A request reads both versions and the snapshot in one round trip (`get_many`), so a deactivation,
a role change, a new password or a customer closed takes effect on the very next request.

Writes through `save()` and `delete()` move the versions by the signals below. A bulk write
(`QuerySet.update()`, `bulk_create`, `bulk_update`, raw SQL) sends no signal: whoever writes that way
calls `user_changed()` or `directory_changed()` itself (tests/accounts/test_snapshot.py holds each
write path to it).

Only the user's row and memberships are in the snapshot. Permissions and groups are read by
Django as before, per request (ModelBackend caches them on the request's user object only, and the
snapshot is stored before anything asks).
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.versions import version_get, versions_move

from .models import Branch, Customer, Membership, User

DIRECTORY_KEY = "auth:directory"
USER_KEY = "auth:user:{}"
# The format is in the key: a deploy that changes what a snapshot holds (the User model, the
# memberships query) never reads one stored by the code before it. Move it with such a change.
SNAPSHOT_FORMAT = 1
SNAPSHOT_KEY = f"auth:snapshot:{SNAPSHOT_FORMAT}:{{}}"
# Where the memberships ride on the cached user object (pickled with it), and the versions it was
# read under (set on every load).
MEMBERSHIPS_ATTRIBUTE = "_snapshot_memberships"
STAMP_ATTRIBUTE = "_snapshot_stamp"


def memberships_query(user):
    """The memberships a user acts through: active, of active customers, in customer number order."""
    return (
        Membership.objects.active()
        .filter(user=user, customer__is_active=True)
        .select_related("customer", "customer__branch")
        .order_by("customer__number")
    )


def memberships_of(user) -> list[Membership]:
    """The user's memberships: from the snapshot the user came with, or read now."""
    memberships = getattr(user, MEMBERSHIPS_ATTRIBUTE, None)
    if memberships is None:
        memberships = list(memberships_query(user))
        for membership in memberships:
            membership.user = user
    return memberships


def user_load(user_id) -> User | None:
    """The user with `user_id` and their memberships: from the cache when both versions still match."""
    user_key = USER_KEY.format(user_id)
    snapshot_key = SNAPSHOT_KEY.format(user_id)
    found = _prefetched(user_id)
    if found is None:
        found = cache.get_many(keys_of(user_id))
    stamp = (found.get(DIRECTORY_KEY), found.get(user_key))
    snapshot = found.get(snapshot_key)
    if None not in stamp and snapshot is not None and snapshot[0] == stamp:
        user = snapshot[1]
        setattr(user, STAMP_ATTRIBUTE, stamp)
        return user
    # The versions are read before the rows: a write that commits after this point moves them, so
    # the snapshot stored below (stamped with the old ones) is never taken for the new state.
    stamp = (stamp[0] or version_get(DIRECTORY_KEY), stamp[1] or version_get(user_key))
    user = User._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    memberships = list(memberships_query(user))
    for membership in memberships:
        membership.user = user
    setattr(user, MEMBERSHIPS_ATTRIBUTE, memberships)
    cache.set(snapshot_key, (stamp, user), settings.AUTH_SNAPSHOT_SECONDS)
    setattr(user, STAMP_ATTRIBUTE, stamp)
    return user


def stamp_of(user) -> tuple | None:
    """The versions the user and their memberships were read under, or None if not from `user_load`.

    Anything cached per user that shows their name, customers or roles is keyed by it.
    """
    return getattr(user, STAMP_ATTRIBUTE, None)


def keys_of(user_id) -> list[str]:
    """The cache keys a snapshot is read from: the directory version, the user's, the snapshot."""
    return [DIRECTORY_KEY, USER_KEY.format(user_id), SNAPSHOT_KEY.format(user_id)]


# What the current request's session load fetched of `keys_of(user id)` (accounts.sessions):
# (user id, {key: value}), used once by `user_load` for that user.
_prefetch: ContextVar[tuple | None] = ContextVar("accounts_snapshot_prefetch", default=None)


def prefetch_set(user_id=None, found: dict | None = None) -> None:
    """Hand `user_load` what the session load fetched for `user_id`; without arguments, forget it."""
    _prefetch.set((user_id, found) if user_id is not None else None)


def _prefetched(user_id) -> dict | None:
    fetched = _prefetch.get()
    if fetched is None:
        return None
    _prefetch.set(None)
    fetched_for, found = fetched
    return found if str(fetched_for) == str(user_id) else None


def user_changed(*user_ids) -> None:
    """Make the next request of each of these users read them and their memberships afresh."""
    keys = [USER_KEY.format(pk) for pk in user_ids if pk is not None]
    if keys:
        versions_move(keys)


def directory_changed() -> None:
    """A customer or branch changed: every user's next request reads their memberships afresh."""
    versions_move([DIRECTORY_KEY])


@receiver([post_save, post_delete], sender=User, dispatch_uid="accounts.snapshot_user")
def _user_written(sender, instance, raw=False, **kwargs):
    user_changed(instance.pk)


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="accounts.snapshot_membership")
def _membership_written(sender, instance, raw=False, **kwargs):
    user_changed(instance.user_id)


@receiver([post_save, post_delete], sender=Customer, dispatch_uid="accounts.snapshot_customer")
@receiver([post_save, post_delete], sender=Branch, dispatch_uid="accounts.snapshot_branch")
def _directory_written(sender, instance, raw=False, **kwargs):
    directory_changed()

