"""Every signed link the shop emails or accepts, in one module: nothing else signs or verifies.

Each kind of link is declared once, here in `KINDS` or by the app that owns it through
`link_kinds_register` (the migration flow's kinds: `migration/links.py`), with
- its purpose: the signing salt, so a token of one kind never opens another;
- its lifetime: a setting (or, for the move form, the deadline written into the link);
- the object it names, by app label (core imports no app: `apps.get_model`);
- what kills it: the fingerprint of the object's state, signed into the token and compared when the
  link is used. A change of that state (a password set, an email corrected, a login, a
  deactivation, a move) makes every earlier link of that kind "used".

No live link at rest. The outbox stores a reference to a link, `link_ref(kind, obj, **params)`:
kind, id and the parameters of the URL, never a token. The email render path
(`core.delivery.email_render`) turns each reference into a URL signed at that moment (`link_urls`);
the admin preview renders `PLACEHOLDER` instead. A resend signs again (a fresh, equally valid
token).

allauth's «Mistet passord?» keys and email-confirmation keys are allauth's (its views verify them);
they are declared here too, so the render path can sign them, and so this module lists every link.
The legacy shop's hand-off is the one link we do not sign: `handoff_verify` checks its HMAC.

Consumers read a token inside a transaction with `lock=True` (the row `select_for_update`) before
they use it up, so two concurrent POSTs with one token cannot both succeed.
"""

import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import int_to_base36
from django.utils.translation import gettext_lazy as _

# What the admin preview shows where an email carries a link (it never signs one).
PLACEHOLDER = _("[lenken lages når e-posten sendes]")


class LinkError(Exception):
    """The link cannot be used. `reason` is one of "invalid", "expired", "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- What kills a link: the state each kind is bound to ----------------------------------------------


def user_state(user) -> str:
    """Password hash, last login, email and active flag: set a password, log in, change the email or
    be deactivated, and the link is dead (single use)."""
    last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
    return f"{user.pk}|{user.password}|{last_login}|{user.email.lower()}|{user.is_active}"


# --- Kinds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkKind:
    """A link we sign: `signing.dumps({id_key: pk, "f": fingerprint, **payload}, salt=salt)`."""

    name: str
    salt: str
    model: str  # "app_label.ModelName"
    state: Callable[[object], str]
    lifetime: Callable[[], int | None]  # seconds; None: the payload's deadline ("d") ends it
    url_name: str = ""
    # The user links keep the payload key and fingerprint salt of the former accounts/tokens.py, so
    # links emailed before this module existed still open (and die) exactly as they did.
    id_key: str = "i"
    fingerprint_salt: str = ""

    def fingerprint(self, obj) -> str:
        salt = self.fingerprint_salt or f"core.links.{self.name}"
        return salted_hmac(salt, self.state(obj), algorithm="sha256").hexdigest()[:32]

    def sign(self, obj, **payload) -> str:
        return signing.dumps({self.id_key: obj.pk, "f": self.fingerprint(obj), **payload}, salt=self.salt, compress=True)

    def read(self, token: str, *, lock: bool = False, now=None, queryset=None):
        max_age = self.lifetime()
        try:
            data = signing.loads(token, salt=self.salt, max_age=max_age)
        except signing.SignatureExpired:
            raise LinkError("expired") from None
        except signing.BadSignature:
            raise LinkError("invalid") from None
        if not isinstance(data, dict) or self.id_key not in data or "f" not in data:
            raise LinkError("invalid")
        if max_age is None:
            try:
                deadline = date.fromisoformat(data["d"])
            except (KeyError, TypeError, ValueError):
                raise LinkError("invalid") from None
            if timezone.localdate(now or timezone.now()) > deadline:
                raise LinkError("expired")
        queryset = self.queryset() if queryset is None else queryset
        if lock:
            queryset = queryset.select_for_update()
        try:
            obj = queryset.filter(pk=data[self.id_key]).first()
        except (TypeError, ValueError):
            raise LinkError("invalid") from None
        if obj is None:
            raise LinkError("invalid")
        if not constant_time_compare(str(data["f"]), self.fingerprint(obj)):
            raise LinkError("used")
        return obj

    def queryset(self):
        return apps.get_model(self.model)._default_manager.all()

    def path(self, obj, params: dict) -> str:
        payload = {"d": params["deadline"]} if self.lifetime() is None else {}
        kwargs = {k: v for k, v in params.items() if k != "deadline"}
        return reverse(self.url_name, kwargs={**kwargs, "token": self.sign(obj, **payload)})


class ActiveUserPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """allauth's «Mistet passord?» key (ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR), dead on deactivation.

    Django's token covers password, last login and email, not `is_active`: a reset link mailed
    before deactivation would otherwise still set a password (allauth #1317, Saleor #19423).
    allauth instantiates it while `allauth.account.forms` is still importing, so its imports of
    allauth stay inside the method.
    """

    def _make_hash_value(self, user, timestamp):
        from allauth.account.internal.flows.manage_email import sync_user_email_address
        from allauth.account.models import EmailAddress
        from allauth.account.utils import user_email

        value = super()._make_hash_value(user, timestamp)
        sync_user_email_address(user)
        emails = {user_email(user)} - {None, ""}
        emails.update(EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True))
        return f"{value}{'|'.join(sorted(emails))}|{user.is_active}"

    def check_token(self, user, token):
        if user is None or not user.is_active:
            return False
        return super().check_token(user, token)


@dataclass(frozen=True)
class AllauthPasswordReset:
    """«Mistet passord?»: allauth verifies the key (its view); we only sign it when the email is sent.
    Lifetime PASSWORD_RESET_TIMEOUT; killed by a new password, a login, an email change or a
    deactivation (the generator above)."""

    name: str = "password_reset"
    model: str = "accounts.User"

    def queryset(self):
        return apps.get_model(self.model)._default_manager.all()

    def path(self, user, params: dict) -> str:
        key = ActiveUserPasswordResetTokenGenerator().make_token(user)
        # allauth's opaque key is "<uid base 36>-<token>" (allauth.account.utils.user_pk_to_url_str).
        return reverse("account_reset_password_from_key", kwargs={"uidb36": int_to_base36(user.pk), "key": key})


@dataclass(frozen=True)
class AllauthEmailConfirmation:
    """A new email address to confirm: allauth's HMAC key (ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS),
    dead once the address is verified or removed. Signed when the email is sent."""

    name: str = "email_confirmation"
    model: str = "account.EmailAddress"

    def queryset(self):
        return apps.get_model(self.model)._default_manager.all()

    def path(self, address, params: dict) -> str:
        from allauth.account.models import EmailConfirmationHMAC

        return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])


def days_setting(setting: str) -> Callable[[], int]:
    return lambda: getattr(settings, setting) * 86400


def seconds_setting(setting: str) -> Callable[[], int]:
    return lambda: getattr(settings, setting)


KINDS = {
    kind.name: kind
    for kind in (
        # A colleague invited at «Brukere»: sets their first password (INVITATION_TIMEOUT_DAYS).
        LinkKind(
            name="invitation",
            salt="accounts.invitation",
            fingerprint_salt="accounts.tokens.invitation",
            id_key="u",
            model="accounts.User",
            state=user_state,
            lifetime=days_setting("INVITATION_TIMEOUT_DAYS"),
            url_name="accounts:invitation_accept",
        ),
        AllauthPasswordReset(),
        AllauthEmailConfirmation(),
    )
}


def link_kinds_register(*kinds: LinkKind) -> None:
    """An app declares its own kinds here, once, at start-up (its AppConfig.ready()): core names no
    app, and each kind is still declared in exactly one place (migration's in `migration/links.py`)."""
    for kind in kinds:
        if KINDS.get(kind.name, kind) != kind:
            raise ValueError(f"link kind {kind.name!r} is declared twice")
        KINDS[kind.name] = kind


def link_sign(kind: str, obj, **payload) -> str:
    """A token of `kind` for `obj` (tests and the render path; views never need one)."""
    return KINDS[kind].sign(obj, **payload)


def link_read(kind: str, token: str, *, lock: bool = False, now=None, queryset=None):
    """The object a token of `kind` names, or LinkError ("invalid", "expired" or "used").

    Pass `lock=True` inside the transaction that uses the link up; `queryset` narrows or joins the
    lookup (e.g. `select_related`).
    """
    return KINDS[kind].read(str(token), lock=lock, now=now, queryset=queryset)


def link_ref(kind: str, obj, **params) -> dict:
    """What the outbox stores for a link: kind, id and the URL's parameters. Never a token."""
    if kind not in KINDS:
        raise KeyError(kind)
    return {"kind": kind, "id": obj.pk, **params}


def link_url(kind: str, obj, **params) -> str:
    """The absolute link (on SHOP_URL), freshly signed."""
    return f"{settings.SHOP_URL}{KINDS[kind].path(obj, params)}"


def link_urls(refs: dict, *, sign: bool = True) -> dict:
    """Template variables for the links of an outbox row: {name: URL}, signed now.

    With `sign=False` (the admin preview) every link is PLACEHOLDER. A link whose object is gone
    also renders PLACEHOLDER: there is nothing it could open.
    """
    urls = {}
    for name, ref in (refs or {}).items():
        urls[name] = str(PLACEHOLDER)
        if not sign or not isinstance(ref, dict):
            continue
        params = {k: v for k, v in ref.items() if k not in ("kind", "id")}
        kind = KINDS[ref["kind"]]
        obj = kind.queryset().filter(pk=ref["id"]).first()
        if obj is not None:
            urls[name] = f"{settings.SHOP_URL}{kind.path(obj, params)}"
    return urls


# --- The legacy shop's hand-off -----------------------------------------------------------------------

_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def handoff_signature(username: str, timestamp: str) -> str:
    """HMAC-SHA256 over `username:timestamp` with LEGACY_HANDOFF_SECRET (what the legacy shop computes)."""
    message = f"{username}:{timestamp}".encode()
    return hmac.new(settings.LEGACY_HANDOFF_SECRET.encode(), message, hashlib.sha256).hexdigest()


def handoff_verify(*, username: str, timestamp: str, signature: str) -> bool:
    """True once for a genuine hand-off link: ?username=…&ts=<unix seconds>&sig=<lowercase hex HMAC>.

    Valid from 30 s before `ts` (clock skew) to LEGACY_HANDOFF_MAX_AGE after. Each link works once:
    its signature is remembered in the cache until it has expired anyway (the replay guard). The
    signature's form is checked first, so odd input is a refused link, never an error.
    """
    if not settings.LEGACY_HANDOFF_SECRET or not _HEX_SHA256.fullmatch(signature or ""):
        return False
    try:
        age = time.time() - int(timestamp)
    except (TypeError, ValueError):
        return False
    return (
        -30 <= age <= settings.LEGACY_HANDOFF_MAX_AGE
        and hmac.compare_digest(handoff_signature(username, timestamp), signature)
        and cache.add(f"migration-handoff:{signature}", 1, timeout=settings.LEGACY_HANDOFF_MAX_AGE + 60)
    )
