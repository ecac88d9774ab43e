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
