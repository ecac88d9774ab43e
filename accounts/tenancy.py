"""The current customer: the one door to tenant scoping.

Every customer-scoped view reads `request.tenant.customer` (set by CurrentCustomerMiddleware) and
fetches customer data through helpers scoped to it, so an id from another customer is a 404.
"""

from functools import cached_property, wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .models import Membership
from .snapshot import memberships_of

SESSION_KEY = "current_customer_id"


class Tenant:
    """Lazily resolved memberships of the logged-in user and the one currently chosen."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def memberships(self) -> list[Membership]:
        user = self._request.user
        if not user.is_authenticated:
            return []
        return memberships_of(user)

    @cached_property
    def membership(self) -> Membership | None:
        chosen = self._request.session.get(SESSION_KEY)
        for membership in self.memberships:
            if membership.customer_id == chosen:
                return membership
        return self.memberships[0] if self.memberships else None

    @property
    def customer(self):
        return self.membership.customer if self.membership else None

    @property
    def branch(self):
        customer = self.customer
        return customer.branch if customer else None

    def switch(self, customer_id) -> bool:
        """Make another of the user's customers current; False if the user is no member of it."""
        for membership in self.memberships:
            if str(membership.customer_id) == str(customer_id):
                self._request.session[SESSION_KEY] = membership.customer_id
                self.__dict__["membership"] = membership
                return True
        return False


def customer_required(view=None, *, roles=None):
    """Require a logged-in user with an active membership (optionally in one of `roles`).

    Anonymous users go to the login page; a user without the needed role gets the 403 page.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            membership = request.tenant.membership
            if membership is None or (roles and membership.role not in roles):
                raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view else decorator


def redirect_back(request, fallback="/"):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or fallback
    # Only a path on this site: redirect() would try any other word ("0", "x") as a view name and
    # fail with a 500.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)
