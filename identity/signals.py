"""One password for every system: a new password or a deactivation revokes the user's tokens.

Hooked on the user row rather than on allauth's `password_changed` / `password_reset` signals, so
that every way a password changes is covered: «Min konto», «Mistet passord?», an activation or
invitation link, staff in admin, `manage.py changepassword`. Django's own session hash already
ends every other session of the user on their next request (for the app API's session tokens
too), and ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE ends the session the change was made in.
"""

from allauth.idp.oidc.models import Client
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .middleware import CACHE_KEY as CLIENT_ORIGINS_CACHE_KEY
from .services import oidc_tokens_revoke

User = get_user_model()


def _revoke_reason(instance, update_fields) -> str | None:
    """Why saving `instance` must revoke its tokens, or None."""
    if instance.pk is None or instance._state.adding:
        return None
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return None  # e.g. last_login on every login: no extra query
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return None
    if before["is_active"] and not instance.is_active:
        return "deactivated"
    if before["password"] != instance.password:
        # set_password() keeps the raw password until save; a hash upgrade at login does not
        # (Django's check_password setter clears it), and must not log the user out anywhere.
        if getattr(instance, "_password", None) is not None:
            return "password changed"
        if not is_password_usable(instance.password):
            return "password made unusable"
    return None


@receiver(pre_save, sender=User, dispatch_uid="identity.user_pre_save")
def _note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    instance._identity_revoke_reason = _revoke_reason(instance, update_fields)


@receiver(post_save, sender=User, dispatch_uid="identity.user_post_save")
def _revoke_tokens(sender, instance, created=False, raw=False, **kwargs):
    reason = instance.__dict__.pop("_identity_revoke_reason", None)
    if reason and not raw:
        # Same transaction as the password change: both happen, or neither.
        oidc_tokens_revoke(user=instance, reason=reason)


@receiver([post_save, post_delete], sender=Client, dispatch_uid="identity.client_redirect_origins")
def _forget_client_redirect_origins(**kwargs):
    """A client's redirect URIs changed: the login pages' CSP must follow (see middleware)."""
    cache.delete(CLIENT_ORIGINS_CACHE_KEY)
