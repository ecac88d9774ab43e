"""allauth customisation: the adapter is the single extension point (no forked views)."""

import hashlib
from datetime import date, datetime
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from core.email import email_enqueue
from core.links import link_ref
from core.ratelimit import respond_429

# allauth's email templates are rendered by the outbox task from templates/email/accounts/<name>;
# signup confirmations share the plain confirmation template (public sign-up is closed anyway).
TEMPLATE_ALIASES = {"email_confirmation_signup": "email_confirmation"}
# Context values copied as strings. Everything else allauth passes (request, user, model objects)
# is left out: the outbox context must be JSON-serialisable.
STRING_KEYS = ("email", "from_email", "to_email", "deleted_email", "ip", "user_agent")
# Links without a key. Links with one (reset, email confirmation) arrive as `links` references from
# the two send_* methods below and are signed only when the email is sent.
URL_KEYS = ("signup_url",)


def shop_url(url_or_path: str) -> str:
    """An absolute link on SHOP_URL for a path or a URL built from the request's host."""
    parts = urlsplit(str(url_or_path))
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{settings.SHOP_URL}{path}{query}"


def format_timestamp(value) -> str:
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j. F Y \\k\\l. H:i")
    if isinstance(value, date):
        return date_format(value, "j. F Y")
    return str(value)


class AccountAdapter(DefaultAccountAdapter):
    """The single extension point for allauth.

    No public sign-up: users come from the move flow, a customer administrator's invitation, or
    staff. Every allauth email goes through the outbox (`core.email.email_enqueue`), so it is sent
    by Celery after commit, in Norwegian, from our templates, with links on SHOP_URL.
    """

    def is_open_for_signup(self, request):
        return False

    def validation_error(self, code, *args):
        # allauth reports too many failed logins as a form error; we answer with our 429 page
        # (the same as its other rate limits), so the Nth failed login in a window gets 429.
        # The app API (allauth headless, under /_allauth/) keeps allauth's JSON error instead.
        if (
            code == "too_many_login_attempts"
            and self.request is not None
            and not self.request.path.startswith("/_allauth/")
        ):
            raise ImmediateHttpResponse(respond_429(self.request))
        return super().validation_error(code, *args)

    def authenticate(self, request, **credentials):
        # allauth hands a deactivated user with the right password to its "account inactive" page,
        # which tells an attacker the password is right. Here they get the wrong-password answer,
        # and the attempt counts as a failed one (allauth rolled it back on the password match).
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            self.pre_authenticate(request, **credentials)
            self.authentication_failed(request, **credentials)
            return None
        return user

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the failed-login counter on the current site's domain, which without
        # django.contrib.sites is the request's Host header *with its port*: an attacker cycling
        # `Host: shop:1`, `shop:2`, … got a fresh counter per port (ALLOWED_HOSTS ignores ports).
        # One shop, one counter per login.
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"login:{login.lower()}"

    def send_password_reset_mail(self, user, email, context):
        # allauth hands us the live key and link; the outbox stores only which user it is for, and
        # the link is signed when the email is sent (core.links: no live link at rest).
        self.send_mail(
            "account/email/password_reset_key",
            email,
            {"user": user, "links": {"password_reset_url": link_ref("password_reset", user)}},
        )

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        # As above: a reference to the address to confirm, signed at sending. allauth's code-based
        # verification (not enabled here) keeps its own flow.
        from allauth.account import app_settings

        if app_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED:
            return super().send_confirmation_mail(request, emailconfirmation, signup)
        address = emailconfirmation.email_address
        template = "account/email/email_confirmation_signup" if signup else "account/email/email_confirmation"
        self.send_mail(
            template, address.email, {"user": address.user, "links": {"activate_url": link_ref("email_confirmation", address)}}
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        name = template_prefix.rsplit("/", 1)[-1]
        name = TEMPLATE_ALIASES.get(name, name)
        email_enqueue(
            # Every allauth email is its own event (each reset request, each notice): the key is
            # the kind, the recipient (a digest: keys stay short) and the moment allauth asked.
            key=f"accounts.{name}:{hashlib.sha256(email.lower().encode()).hexdigest()[:16]}:{timezone.now().isoformat()}",
            kind=f"accounts.{name}",
            to=email,
            template=f"email/accounts/{name}",
            context=self.email_context(email, context),
        )

    def email_context(self, email: str, context: dict) -> dict:
        """Reduce allauth's context to strings the outbox can store and the task can render."""
        data = {"email": email}
        user = context.get("user")
        if user is not None:
            data["user_name"] = user.get_full_name()
            data["user_email"] = user.email
        for key in STRING_KEYS:
            if context.get(key):
                data[key] = str(context[key])
        for key in URL_KEYS:
            if context.get(key):
                data[key] = shop_url(context[key])
        if context.get("links"):
            data["links"] = dict(context["links"])
        if context.get("timestamp"):
            data["timestamp"] = format_timestamp(context["timestamp"])
        if "password_reset_url" not in data.get("links", {}):
            data.setdefault("password_reset_url", shop_url(_reverse("account_reset_password")))
        data["login_url"] = shop_url(_reverse("account_login"))
        data["valid_hours"] = max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1)
        return data

    def get_reset_password_from_key_url(self, key: str) -> str:
        return shop_url(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return shop_url(super().get_email_confirmation_url(request, emailconfirmation))


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
