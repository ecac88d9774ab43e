import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import staff
from .tenancy import Tenant

STAFF_LAST_SEEN_KEY = "staff_last_seen"


class CurrentCustomerMiddleware:
    """Attach `request.tenant`: the user's memberships and the current customer, resolved lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = Tenant(request)
        return self.get_response(request)


class StaffAccessMiddleware:
    """The rules of a staff session, before any view runs.

    - A staff session ends after STAFF_SESSION_IDLE_MINUTES without a request.
    - No admin page without a second factor: a staff user who has none is sent to set one up
      («To-trinns innlogging»); one who has one but whose session skipped allauth's code step
      (a login outside allauth's flow) is logged out and sent to the login page.

    allauth.mfa asks for the code at every login of a user who has a second factor; making it
    compulsory for a group of users is ours, since allauth has no such setting.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        now = int(time.time())
        last_seen = request.session.get(STAFF_LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                _("Du ble logget ut etter %(minutes)s minutter uten aktivitet.")
                % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES},
            )
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        # Written at most once a minute, so that not every request saves the session.
        if last_seen is None or now - last_seen >= 60:
            request.session[STAFF_LAST_SEEN_KEY] = now
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root) or request.path == reverse("admin:logout"):
            return None
        if not staff.has_second_factor(user):
            return redirect("mfa_index")  # the page says why (templates/mfa/index.html)
        if not staff.session_used_second_factor(request):
            logout(request)
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
        return None

