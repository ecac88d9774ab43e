"""Writes for users and memberships: invitations, roles, deactivation, initial passwords.

Every function owns its transaction. The rule "a customer always keeps at least one active
Administrator" lives in one place, `_ensure_another_active_administrator`; every membership change
first locks the customer's administrator memberships (`_locked`), so two concurrent demotions
cannot both pass.
"""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.email import email_enqueue
from core.links import LinkError, link_read, link_ref
from core.models import OutboundEmail

from .models import Customer, Membership, MembershipOffer, Role, User, UserManager


class MembershipError(ValidationError):
    """A membership change that is not allowed; the message is shown to the user as is."""


def _active_administrators(customer: Customer):
    """Administrator memberships that can actually log in: the ones that count for the rule."""
    return (
        Membership.objects.for_customer(customer)
        .administrators()
        .active()
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )


def _lock_administrators(customer_id) -> list[int]:
    """Lock the customer's administrator memberships, always in pk order (no deadlocks).

    Every membership change takes this lock first, so changes within one customer run one after
    the other and the rule below sees committed data.
    """
    return list(
        Membership.objects.filter(customer_id=customer_id, role=Role.ADMINISTRATOR)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def _ensure_another_active_administrator(membership: Membership) -> None:
    """Refuse a change that would leave the customer without an active Administrator.

    The one place the rule lives. Called inside the caller's transaction, after `_locked`, before
    it demotes or deactivates `membership`.
    """
    if membership.role != Role.ADMINISTRATOR:
        return  # not an administrator: the rule is not at stake
    others = _active_administrators(membership.customer_id).exclude(pk=membership.pk)
    if not others.exists():
        raise MembershipError(
            _(
                "%(customer)s må ha minst én aktiv administrator. Gi en annen bruker rollen "
                "Administrator først."
            )
            % {"customer": membership.customer.name}
        )


def _locked(membership: Membership) -> Membership:
    """Re-read `membership` for a change, after locking its customer's administrators."""
    _lock_administrators(membership.customer_id)
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("customer", "user", "invited_by")
        .get(pk=membership.pk)
    )


def _send_invitation(*, membership: Membership, invited_by: User | None, key: str) -> None:
    email_enqueue(
        key=key,
        kind="accounts.invitation",
        to=membership.user.email,
        template="email/accounts/invitation",
        context={
            "name": membership.user.name,
            "email": membership.user.email,
            "customer_name": membership.customer.name,
            "customer_number": membership.customer.number,
            "invited_by": (invited_by.get_full_name() if invited_by else ""),
            "role": str(membership.get_role_display()),
            "valid_days": settings.INVITATION_TIMEOUT_DAYS,
            # Signed when the email is sent (core.links): no live link in the outbox.
            "links": {"url": link_ref("invitation", membership.user, customer_id=membership.customer_id)},
        },
    )


@transaction.atomic
def membership_invite(
    *, customer: Customer, email: str, name: str, role: str, invited_by: User | None
) -> "Membership | MembershipOffer":
    """Add a colleague to `customer` with `role`, by email.

    A new email creates a pending user (active, unusable password), the membership and an
    invitation with a set-password link. The email of a person who already has a user (any
    state) only creates a `MembershipOffer`: that person gets «Bli med i …» and becomes a member
    by accepting while logged in (`membership_offer_accept`); until then nothing about them is
    shared and nothing changes for them. A user deactivated by staff gets no email. The caller
    answers the same in every case (no user enumeration). Raises MembershipError if the email is
    already a member of, or already invited to, this customer.
    """
    email = UserManager.normalize_email(email)
    if role not in Role.values:
        raise MembershipError(_("Velg en gyldig rolle."))
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, name=name.strip())
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # invited by someone else at the same moment
            user = User.objects.select_for_update().get(email__iexact=email)
            created = False
    if (
        Membership.objects.filter(user=user, customer=customer).exists()
        or MembershipOffer.objects.filter(user=user, customer=customer).exists()
    ):
        raise MembershipError(
            _("%(email)s er allerede bruker hos %(customer)s.") % {"email": email, "customer": customer.name}
        )
    if not created:
        offer = MembershipOffer.objects.create(
            customer=customer, user=user, email=email, name=name.strip(), role=role, invited_by=invited_by
        )
        _send_offer(offer=offer, key=f"accounts.membership_offer:{offer.pk}")
        return offer
    membership = Membership.objects.create(user=user, customer=customer, role=role, invited_by=invited_by)
    _send_invitation(membership=membership, invited_by=invited_by, key=f"accounts.invitation:{membership.pk}")
    return membership


def _send_offer(*, offer: MembershipOffer, key: str) -> None:
    """«Bli med i …» to the person; nothing for a user staff shut out (nobody could accept)."""
    if not offer.user.is_active:
        return
    email_enqueue(
        key=key,
        kind="accounts.membership_offer",
        to=offer.user.email,
        template="email/accounts/membership_offer",
        context={
            "customer_name": offer.customer.name,
            "customer_number": offer.customer.number,
            "invited_by": (offer.invited_by.get_full_name() if offer.invited_by else ""),
            "role": str(offer.get_role_display()),
            "url": f"{settings.SHOP_URL}{reverse('accounts:offers')}",
        },
    )


def membership_offers_for(user: User):
    """The «Bli med» offers waiting for `user`: made to their user and their current address."""
    return (
        MembershipOffer.objects.filter(user=user, email__iexact=user.email, customer__is_active=True)
        .select_related("customer", "invited_by")
        .order_by("customer__number")
    )


@transaction.atomic
def membership_offer_accept(*, user: User, offer_id: int) -> Membership:
    """The person accepts, logged in as themselves: the membership exists from now on.

    Raises MembershipOffer.DoesNotExist for an offer that is not theirs (or gone).
    """
    offer = membership_offers_for(user).select_for_update(of=("self",)).get(pk=offer_id)
    _lock_administrators(offer.customer_id)
    membership, _created = Membership.objects.get_or_create(
        user=user, customer=offer.customer, defaults={"role": offer.role, "invited_by": offer.invited_by}
    )
    offer.delete()
    return membership


@transaction.atomic
def membership_offer_decline(*, user: User, offer_id: int) -> None:
    membership_offers_for(user).select_for_update(of=("self",)).get(pk=offer_id).delete()


@transaction.atomic
def membership_offer_withdraw(*, offer: MembershipOffer) -> None:
    """The administrator takes the offer back; the person never learns more than the email."""
    MembershipOffer.objects.filter(pk=offer.pk).delete()


@transaction.atomic
def membership_offer_resend(*, offer: MembershipOffer) -> None:
    # The n-th resend of this offer, counted under the offer's row lock: two presses are two events
    # with two keys, and a retried task of one press stays one email.
    MembershipOffer.objects.select_for_update().filter(pk=offer.pk).first()
    resends = OutboundEmail.objects.filter(idempotency_key__startswith=f"accounts.membership_offer:{offer.pk}:")
    _send_offer(offer=offer, key=f"accounts.membership_offer:{offer.pk}:resend-{resends.count() + 1}")


@transaction.atomic
def invitation_resend(*, membership: Membership, sent_by: User | None) -> bool:
    """Send a fresh set-password link to a pending member; False if they need none."""
    membership = _locked(membership)
    user = membership.user
    if not (membership.is_active and user.is_active) or user.has_usable_password():
        return False
    # The n-th resend of this membership's invitation: counted under the lock `_locked` took, so two
    # presses are two events with two keys, and a retried task of one press stays one email.
    resends = OutboundEmail.objects.filter(idempotency_key__startswith=f"accounts.invitation:{membership.pk}:")
    _send_invitation(
        membership=membership,
        invited_by=membership.invited_by or sent_by,
        key=f"accounts.invitation:{membership.pk}:resend-{resends.count() + 1}",
    )
    return True


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    """Change a member's role; the last active Administrator cannot be demoted."""
    if role not in Role.values:
        raise MembershipError(_("Velg en gyldig rolle."))
    membership = _locked(membership)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMINISTRATOR:
        _ensure_another_active_administrator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership) -> Membership:
    """Shut a member out of this customer (their other customers are untouched).

    The tenant is resolved from active memberships on every request, so the member's open
    sessions lose this customer at their next request.
    """
    membership = _locked(membership)
    if not membership.is_active:
        return membership
    _ensure_another_active_administrator(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> Membership:
    membership = _locked(membership)
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def user_activate_pending(*, user: User) -> User:
    """Activate a user created inactive (the move form) once a link has proven their email.

    The caller decides that the user is pending rather than deactivated by staff (see
    `migration.selectors.user_awaiting_activation`) and holds the user row locked.
    """
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_set_initial_password(*, user: User, password: str) -> User:
    """Set the first password of a pending user who proved their email through a link.

    The caller has read the link's token with the user row locked. The address counts as verified
    for allauth from now on.
    """
    if not user.is_active:
        raise MembershipError(_("Brukeren er deaktivert."))
    user.set_password(password)
    user.save(update_fields=["password"])
    user_sync_email_address(user=user)
    return user


def invitation_membership_get(*, token: str, customer_id, lock: bool = False) -> Membership:
    """The membership a colleague's invitation link was made for, or raise LinkError.

    The link is good while its user is active, has no password yet and is an active member of the
    customer in the link. With `lock`, the user row is read with a row lock (inside a transaction).
    """
    user = link_read("invitation", token, lock=lock)
    if not user.is_active:
        raise LinkError("invalid")
    if user.has_usable_password():
        raise LinkError("used")
    membership = (
        Membership.objects.filter(user=user, customer_id=customer_id, is_active=True)
        .select_related("customer")
        .first()
    )
    if membership is None:
        raise LinkError("invalid")
    membership.user = user
    return membership


@transaction.atomic
def invitation_accept(*, token: str, customer_id, password: str) -> Membership:
    """A colleague sets their first password through the invitation link; returns the membership.

    The link is read again with the user row locked, so two submits of one link cannot both set a
    password (the second gets LinkError("used")); the password goes through
    `user_set_initial_password`, which also marks the address verified for allauth.
    """
    membership = invitation_membership_get(token=token, customer_id=customer_id, lock=True)
    user_set_initial_password(user=membership.user, password=password)
    return membership


def user_sync_email_address(*, user: User) -> None:
    """Keep allauth's address book in step with `User.email`, the address we log in with.

    The login address is the verified primary one; only an email change the user has started and
    not yet proven stays unverified. Staff editing the email in admin replace the old address,
    so it no longer logs in.
    """
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user, verified=True).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=user.email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


@transaction.atomic
def user_update_profile(*, user: User, name: str, phone: str) -> User:
    user.name = name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["name", "phone"])
    return user
