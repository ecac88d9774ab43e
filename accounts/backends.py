"""The authentication backends: Django's and allauth's, loading the session's user from the snapshot.

`get_user()` is the hook Django gives for how a session's user is loaded; everything else (the
session hash check that ends other sessions after a password change, `user_can_authenticate`,
login, permissions) stays Django's and allauth's.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends

from .snapshot import user_load


class SnapshotMixin:
    def get_user(self, user_id):
        user = user_load(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(SnapshotMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(SnapshotMixin, auth_backends.AuthenticationBackend):
    pass

