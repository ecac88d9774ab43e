from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User


@receiver(post_save, sender=User, dispatch_uid="accounts.user_email_address")
def user_email_address(sender, instance, created, update_fields=None, raw=False, **kwargs):
    """Whenever the login email is written, allauth's address book follows (see services)."""
    if raw or not instance.email:
        return
    if created or update_fields is None or "email" in update_fields:
        from .services import user_sync_email_address

        user_sync_email_address(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts.user_email_address_on_login")
def user_email_address_on_login(sender, request, user, **kwargs):
    """Users written without `save()` (bulk imports) get their address book before they can
    reach «Endre e-post», where a missing verified address would be taken for a pending change."""
    from .services import user_sync_email_address

    if user.email:
        user_sync_email_address(user=user)


@receiver(authenticator_added, dispatch_uid="accounts.second_factor_proven_on_setup")
def second_factor_proven_on_setup(sender, request, user, authenticator, **kwargs):
    """Setting up a TOTP app (with a valid code) or a passkey proves the factor for this session,
    so the staff member goes on into admin without logging in again (StaffAccessMiddleware)."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and authenticator.type != authenticator.Type.RECOVERY_CODES:
        record_authentication(request, user, "mfa", type=authenticator.type, id=authenticator.pk)
