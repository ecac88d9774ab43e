"""Activation: the link proves the email; memberships are added and legacy access closes; «Aktiver»."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from core.email import email_enqueue

from ..models import (
    EventKind,
    LegacyAccount,
    State,
)
from .events import migration_event_record
from .links import activation_url


def _role_for(account: LegacyAccount) -> str:
    return Role.ADMINISTRATOR if account.is_main_user else Role.BUYER


def _membership_ensure(user, account: LegacyAccount) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, customer=account.customer, defaults={"role": _role_for(account)}
    )
    if (
        not created
        and account.is_main_user
        and membership.role != Role.ADMINISTRATOR
        and membership.is_active
    ):
        membership.role = Role.ADMINISTRATOR
        membership.save(update_fields=["role"])
    return membership


def _activation_enqueue(user, account: LegacyAccount, *, key: str, existing_user: bool) -> None:
    email_enqueue(
        key=key,
        kind="migration_activation",
        to=user.email,
        template="email/migration/activation",
        context={
            "name": user.name or account.name,
            "username": account.username,
            "customer_number": account.customer.number,
            "customer_name": account.customer.name,
            "email": user.email,
            "activation_url": activation_url(user),
            "days": settings.ACTIVATION_TIMEOUT_DAYS,
            "existing_user": existing_user,
        },
    )


def legacy_account_activate(*, user, now=None) -> list[LegacyAccount]:
    """The activation link was used: every submitted legacy account of `user` is now moved.

    Call inside the transaction that consumed the token (user row locked). Adds the memberships (for a
    user of another customer this is the moment the email is proven), closes legacy access, records
    events. Returns the accounts activated (empty if there were none).
    """
    now = now or timezone.now()
    activated = []
    accounts = (
        LegacyAccount.objects.select_for_update(of=("self",))
        .filter(user=user, state=State.SUBMITTED)
        .select_related("customer")
        .order_by("-is_main_user", "pk")
    )
    for account in accounts:
        _membership_ensure(user, account)
        account.state = State.ACTIVATED
        account.activated_at = now
        account.legacy_access = False
        account.save(update_fields=["state", "activated_at", "legacy_access", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATED,
            actor=user,
            at=now,
            detail=_("Ny bruker %(email)s; tilgang til dagens nettbutikk stengt") % {"email": user.email},
        )
        activated.append(account)
    return activated


def user_awaiting_activation(user) -> bool:
    return user.is_active and LegacyAccount.objects.filter(user=user, state=State.SUBMITTED).exists()


def activation_request(*, email: str) -> None:
    """«Aktiver»: a fresh activation link if this email waits for activation; silent otherwise."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=User.objects.normalize_email(email), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .filter(user=user, state=State.SUBMITTED)
            .select_related("customer")
            .order_by("pk")
            .first()
        )
        if account is None:
            return
        _activation_enqueue(
            user,
            account,
            key=f"migration-activation-request:{user.pk}:{uuid.uuid4().hex}",
            existing_user=user.has_usable_password(),
        )
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATION_SENT,
            actor_label=user.email,
            detail=_("Ny aktiveringslenke bestilt («Aktiver»)"),
        )
