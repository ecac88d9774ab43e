"""Signed links of the migration flow (invitation, legacy reset, activation URL)."""

from datetime import date

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.tokens import make_token

from ..models import (
    LegacyAccount,
)
from .common import _absolute

INVITATION_SALT = "migration.invitation"
RESET_SALT = "migration.legacy-reset"


def _email_tag(email: str) -> str:
    """Binds a move-form link to the email on file: staff correcting the address kills old links."""
    return salted_hmac(INVITATION_SALT, (email or "").strip().lower()).hexdigest()[:10]


def invitation_token(account: LegacyAccount, deadline: date) -> str:
    return signing.dumps(
        {"a": account.pk, "d": deadline.isoformat(), "e": _email_tag(account.email)}, salt=INVITATION_SALT
    )


def invitation_read(token: str, *, now=None) -> LegacyAccount | None:
    """The legacy account of a personal move-form link, if the link is genuine and before its deadline."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        deadline = date.fromisoformat(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if timezone.localdate(now or timezone.now()) > deadline:
        return None
    account = LegacyAccount.objects.filter(pk=data["a"], is_active=True).select_related("customer").first()
    if account is None or data.get("e") != _email_tag(account.email):
        return None
    return account


def activation_url(user) -> str:
    return _absolute(reverse("migration:activate", args=[make_token(user, "activation")]))


def legacy_reset_token(account: LegacyAccount) -> str:
    return signing.dumps({"a": account.pk, "p": account.password[-16:]}, salt=RESET_SALT)


def legacy_reset_read(token: str) -> LegacyAccount | None:
    try:
        data = signing.loads(token, salt=RESET_SALT, max_age=settings.LEGACY_RESET_MAX_AGE)
    except signing.BadSignature:
        return None
    account = LegacyAccount.objects.filter(pk=data.get("a"), is_active=True).first()
    if account is None or account.password[-16:] != data.get("p"):
        return None
    return account
