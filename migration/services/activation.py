"""Activation: the link proves the email; memberships are added and legacy access closes; «Aktiver»."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.services import MembershipError, user_activate_pending, user_set_initial_password
from core.email import email_enqueue
from core.links import LinkError, link_read

from ..models import EventKind, LegacyAccount, State
from ..selectors import user_awaiting_activation
from .common import EmailKind, email_key
from .events import migration_event_record
from .history import legacy_favourites_carry_over
from .links import activation_link
from .state import legacy_account_transition


class ActivationRefused(Exception):
    """The activation link cannot be used; `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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


def _activation_enqueue(user, account: LegacyAccount, *, event, existing_user: bool) -> None:
    """The activation email, keyed by the «Aktiveringslenke sendt» event it belongs to.

    Not sent while the account is «E-post i retur» for that address (services/bounce.py)."""
    if account.email_bounced_at is not None and user.email.lower() == account.email_bounced_to.lower():
        return
    email_enqueue(
        key=email_key(EmailKind.ACTIVATION, event.pk),
        kind=EmailKind.ACTIVATION,
        to=user.email,
        template="email/migration/activation",
        context={
            "name": user.name or account.name,
            "username": account.username,
            "customer_number": account.customer.number,
            "customer_name": account.customer.name,
            "email": user.email,
            "links": {"activation_url": activation_link(user)},
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
        LegacyAccount.objects.awaiting_activation()
        .select_for_update(of=("self",))
        .filter(user=user)
        .select_related("customer")
        .order_by("-is_main_user", "pk")
    )
    for account in accounts:
        _membership_ensure(user, account)
        legacy_account_transition(
            account=account,
            to=State.ACTIVATED,
            kind=EventKind.ACTIVATED,
            values={"activated_at": now, "legacy_access": False},
            actor=user,
            at=now,
            detail=_("Ny bruker %(email)s; tilgang til dagens nettbutikk stengt") % {"email": user.email},
        )
        account.user = user
        legacy_favourites_carry_over(account=account)  # «Favoritter fra dagens nettbutikk»
        activated.append(account)
    return activated


def legacy_account_activate_by_link(*, token: str, password: str | None = None, now=None):
    """The activation link is used: set the first password (unless the user has one), activate.

    Owns the transaction: the token is read again with the user row locked (of two clicks at once
    only one activates), the password is set through `user_set_initial_password` (which also marks
    the address verified for allauth), and every submitted legacy account of the user is activated.
    Raises ActivationRefused, changing nothing, if the link is invalid, expired or used. Returns
    (user, accounts activated).
    """
    with transaction.atomic():
        try:
            user = link_read("activation", token, lock=True)
            if not user_awaiting_activation(user):  # nothing to activate, or deactivated by staff
                raise ActivationRefused("used")
            if not user.is_active:  # created inactive by the move form: the link proves the address
                user_activate_pending(user=user)
            if password is not None:
                user_set_initial_password(user=user, password=password)
        except LinkError as exc:
            raise ActivationRefused(exc.reason) from None
        except MembershipError:  # deactivated since the page was shown
            raise ActivationRefused("used")
        accounts = legacy_account_activate(user=user, now=now)
        if not accounts:
            raise ActivationRefused("used")
    return user, accounts


def activation_request(*, email: str) -> None:
    """«Aktiver»: a fresh activation link if this email waits for activation; silent otherwise.

    Pending users are inactive until activation; `user_awaiting_activation` tells them apart from
    users deactivated by staff, who get nothing.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=User.objects.normalize_email(email)).first()
    if user is None or not user_awaiting_activation(user):
        return
    with transaction.atomic():
        account = (
            LegacyAccount.objects.awaiting_activation()
            .select_for_update(of=("self",))
            .filter(user=user)
            .select_related("customer")
            .order_by("pk")
            .first()
        )
        if account is None:
            return
        event = migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATION_SENT,
            actor_label=user.email,
            detail=_("Ny aktiveringslenke bestilt («Aktiver»)"),
        )
        _activation_enqueue(user, account, event=event, existing_user=user.has_usable_password())
