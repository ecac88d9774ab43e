"""What other systems learn about a user: the claims behind the OpenID Connect scopes."""

from accounts.models import Membership

# Our own scope: the customers the user may act for, with the role in each.
CUSTOMERS_SCOPE = "customers"


def customers_claim(user) -> list[dict[str, str]]:
    """The user's active memberships of active customers, as the `customers` claim.

    The same memberships the shop itself lets the user switch between (see accounts.tenancy).
    """
    memberships = (
        Membership.objects.active()
        .filter(user=user, customer__is_active=True)
        .select_related("customer")
        .order_by("customer__number")
    )
    # `hide_prices` is present (true) only for a membership without «Kan se priser»: an app must then
    # show no price, discount or total for that customer. Absent means prices may be shown, so
    # clients written before the flag existed keep reading the same three keys.
    return [
        {"number": m.customer.number, "name": m.customer.name, "role": m.role}
        | ({} if m.can_see_prices else {"hide_prices": True})
        for m in memberships
    ]


def email_claims(user) -> dict:
    """`email` and `email_verified` for the login address.

    There is no public sign-up: a customer's password is only ever set through a link emailed to
    the login address (invitation, activation, reset), so the address counts as proven unless
    allauth holds a record saying otherwise.
    """
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    return {"email": user.email, "email_verified": address.verified if address else True}
