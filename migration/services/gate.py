"""The legacy gate: the old shop's login and «Glemt passord?» by legacy username."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from core.email import email_enqueue

from ..hashers import legacy_check_password
from ..models import EventKind, LegacyAccount
from .common import EmailKind, email_key
from .events import migration_event_record
from .links import legacy_reset_link
from .state import legacy_account_lock


def legacy_account_authenticate(*, username: str, password: str) -> LegacyAccount | None:
    """The old shop's login: the legacy account if username and password match and it may log in."""
    account = LegacyAccount.objects.by_username(username).select_related("customer").first()
    if account is None:
        legacy_check_password(password, "")  # same work as a wrong password
        return None

    def upgrade(raw):
        # As Django's check_password does for an outdated hasher: store the password with Django's
        # argon2, unless the hash changed meanwhile (a reset, a re-import or the wrap step wins).
        if not account.is_active:
            return
        new = make_password(raw, hasher="argon2")
        if LegacyAccount.objects.filter(pk=account.pk, password=account.password).update(password=new):
            account.password = new

    if not legacy_check_password(password, account.password, setter=upgrade) or not account.is_active:
        return None
    return account


def legacy_account_request_reset(*, username: str) -> None:
    """«Glemt passord?» by legacy username: a reset link to the email on file, if there is one.

    Says nothing about whether the username exists (the view answers the same in every case).
    """
    account = LegacyAccount.objects.by_username(username).select_related("customer").first()
    if account is None or not account.is_active or not account.email:
        return
    with transaction.atomic():
        event = migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.LEGACY_PASSWORD_RESET,
            detail=_("Lenke sendt til %(email)s") % {"email": account.email},
        )
        email_enqueue(
            key=email_key(EmailKind.LEGACY_RESET, event.pk),
            kind=EmailKind.LEGACY_RESET,
            to=account.email,
            template="email/migration/legacy_reset",
            context={
                "name": account.name,
                "username": account.username,
                "customer_number": account.customer.number,
                "links": {"reset_url": legacy_reset_link(account)},
                "hours": settings.LEGACY_RESET_MAX_AGE // 3600,
            },
        )


def legacy_account_set_password(*, account: LegacyAccount, password: str) -> bool:
    """A new legacy password from «Glemt passord?», stored with a strong hasher.

    `account` is the one the reset link was read for. The link is bound to the stored hash, so it is
    re-checked with the row locked: of two concurrent submits of one link only the first sets a
    password; the second gets False (the link is used).
    """
    with transaction.atomic():
        read_hash = account.password
        account = legacy_account_lock(account.pk)
        if account.password != read_hash or not account.is_active:
            return False
        account.password = make_password(password, hasher="argon2")
        account.save(update_fields=["password", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.LEGACY_PASSWORD_RESET,
            actor_label=account.username,
            detail=_("Nytt passord satt"),
        )
    return True
