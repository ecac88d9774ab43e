"""The accounts app's reads: the one door to a customer's members, and what «Min konto» shows.

`membership_get_for_customer` takes keyword-only arguments and raises Http404 for a member of
another customer: their id looks exactly like one that does not exist. Views read members only
through these functions; the business words (`Membership.objects.for_customer(c).active()`) live
on `MembershipQuerySet`.
"""

from allauth.account.models import EmailAddress
from django.http import Http404

from .models import Customer, Membership, MembershipOffer, User


def membership_get_for_customer(*, customer: Customer, pk) -> Membership:
    """One member of the customer, with user, customer and inviter, or 404."""
    try:
        return (
            Membership.objects.for_customer(customer)
            .select_related("user", "customer", "invited_by")
            .get(pk=pk)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def membership_list_for_customer(*, customer: Customer):
    """«Brukere»: the customer's members by name, then email."""
    return Membership.objects.for_customer(customer).select_related("user").order_by("user__name", "user__email")


def membership_offer_list_for_customer(*, customer: Customer):
    """«Brukere»: the «Bli med» offers waiting for an answer, by email (only what the administrator typed)."""
    return MembershipOffer.objects.filter(customer=customer).order_by("email")


def membership_offer_get_for_customer(*, customer: Customer, pk) -> MembershipOffer:
    """One «Bli med» offer of the customer, or 404 (another customer's offer looks like none)."""
    try:
        return MembershipOffer.objects.filter(customer=customer).get(pk=pk)
    except (MembershipOffer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def email_address_pending(*, user: User) -> EmailAddress | None:
    """A new login address the user asked for and has not confirmed yet («Min konto»)."""
    return EmailAddress.objects.filter(user=user, verified=False).exclude(email__iexact=user.email).first()
