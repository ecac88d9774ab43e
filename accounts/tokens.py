"""Signed, expiring, single-use links (activation, invitation, set password, legacy hand-offs).

One rule for every emailed link: the token names the user and a fingerprint of the user's state
(password hash, last login, email, active flag). Setting the password, logging in, changing the
email or deactivating the user changes the fingerprint, so the link stops working: single use,
dies when the email changes, and never lets a deactivated user back in.

Consumers re-check the token inside a transaction with the user row locked
(`User.objects.select_for_update()`), so two concurrent POSTs with one token cannot both succeed.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac


class TokenError(Exception):
    """The link cannot be used. `reason` is one of "invalid", "expired", "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _fingerprint(user, purpose: str) -> str:
    last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
    value = f"{user.pk}|{user.password}|{last_login}|{user.email.lower()}|{user.is_active}"
    return salted_hmac(f"accounts.tokens.{purpose}", value, algorithm="sha256").hexdigest()[:32]


def make_token(user, purpose: str) -> str:
    """A URL-safe token for `user`, valid for `purpose` only."""
    return signing.dumps(
        {"u": user.pk, "f": _fingerprint(user, purpose)}, salt=f"accounts.{purpose}", compress=True
    )


def read_token(token: str, purpose: str, *, max_age: int, queryset=None):
    """Return the user the token was made for, or raise TokenError.

    `max_age` is in seconds. Pass `queryset=User.objects.select_for_update()` inside a transaction
    when the caller is about to consume the token.
    """
    try:
        data = signing.loads(token, salt=f"accounts.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise TokenError("expired")
    except signing.BadSignature:
        raise TokenError("invalid")
    if not isinstance(data, dict) or "u" not in data or "f" not in data:
        raise TokenError("invalid")
    queryset = queryset if queryset is not None else get_user_model().objects.all()
    user = queryset.filter(pk=data["u"]).first()
    if user is None:
        raise TokenError("invalid")
    if not constant_time_compare(str(data["f"]), _fingerprint(user, purpose)):
        raise TokenError("used")
    return user
