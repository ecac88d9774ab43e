"""Staff accounts: making a branch employee or a central user, their set-password link, and the rules
every staff session follows (a second factor before any admin page, idle timeout, re-authentication).

Roles (the groups) are defined in `accounts.roles`; what a role sees in admin is narrowed by branch
in `accounts.admin_scope`.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.email import email_enqueue
from core.links import LinkError, link_read, link_ref

from .models import Branch, User, UserManager
from .roles import BRANCH_STAFF, CENTRAL_STAFF


class StaffError(Exception):
    """A staff user that cannot be made; the message is shown as is."""


def staff_password_user(token: str, *, lock: bool = False) -> User:
    """The staff user a set-password link was made for; raises core.links.LinkError.

    The link (core.links kind "staff_password", STAFF_PASSWORD_LINK_DAYS) dies once a password is
    set, at a login, an email change or a deactivation.
    """
    user = link_read("staff_password", token, lock=lock)
    if not (user.is_active and user.is_staff):
        raise LinkError("invalid")
    if user.has_usable_password():
        raise LinkError("used")
    return user


@transaction.atomic
def staff_password_set(*, token: str, password: str) -> User:
    """A new staff user sets their first password through the emailed link.

    The link is read again with the user row locked, so two submits of one link cannot both set a
    password; the password goes through `user_set_initial_password` (which marks the address
    verified for allauth). No login: the second factor is set up at the first login.
    """
    from .services import user_set_initial_password

    user = staff_password_user(token, lock=True)
    return user_set_initial_password(user=user, password=password)


@transaction.atomic
def staff_create(*, email: str, name: str, branch_code: str, central: bool = False) -> User:
    """Make a staff user in «Avdelingsansatt» (or «Netthandel» with `central`) and email a link to
    set a password. No password is ever given on the command line or stored before the link is used.

    Raises StaffError for an unknown branch or an email that already has a user.
    """
    email = UserManager.normalize_email(email)
    if not email or "@" not in email:
        raise StaffError(_("Oppgi en gyldig e-postadresse."))
    branch = Branch.objects.filter(code__iexact=branch_code.strip()).first()
    if branch is None:
        raise StaffError(_("Fant ingen avdeling med kode %(code)s.") % {"code": branch_code})
    if User.objects.filter(email__iexact=email).exists():
        raise StaffError(_("Det finnes allerede en bruker med e-post %(email)s.") % {"email": email})
    user = User(email=email, name=name.strip(), branch=branch, is_staff=True)
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise StaffError(_("Det finnes allerede en bruker med e-post %(email)s.") % {"email": email})
    user.groups.set([Group.objects.get(name=CENTRAL_STAFF if central else BRANCH_STAFF)])
    _send_staff_invitation(user=user)
    return user


def _send_staff_invitation(*, user: User) -> None:
    email_enqueue(
        key=f"accounts.staff_invitation:{user.pk}",
        kind="accounts.staff_invitation",
        to=user.email,
        template="email/accounts/staff_invitation",
        context={
            "name": user.name,
            "email": user.email,
            "branch_name": user.branch.name if user.branch else "",
            "role": CENTRAL_STAFF if user.groups.filter(name=CENTRAL_STAFF).exists() else BRANCH_STAFF,
            # Signed when the email is sent (core.links): no live link in the outbox.
            "links": {"url": link_ref("staff_password", user)},
            "valid_days": settings.STAFF_PASSWORD_LINK_DAYS,
        },
    )


# --- Rules for staff sessions ----------------------------------------------------------------------


def has_second_factor(user) -> bool:
    """True if the user has a TOTP app or a passkey (recovery codes alone do not count)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def session_used_second_factor(request) -> bool:
    """True if this session's login went through allauth's second-factor step (or a passkey)."""
    from allauth.account.authentication import get_authentication_records

    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, request.user)
    )


def logged_in_recently(request) -> bool:
    """True if the password was given in this session within allauth's reauthentication timeout."""
    import time

    from allauth.account import app_settings as account_settings
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


def require_recent_authentication(request) -> None:
    """Ask for the password again (allauth's reauthentication) unless the user just gave it.

    Raises allauth's ReauthenticationRequired; allauth's AccountMiddleware answers with the
    «Bekreft at det er deg» page and replays the suspended POST once the password is right.
    """
    # allauth offers this check as a view decorator only; sensitive admin operations happen inside
    # views that do more than that (an action in the change list, a field in the user form).
    from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required

    raise_if_reauthentication_required(request, app="")
