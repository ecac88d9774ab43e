from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Reject absurdly long passwords (NIST asks us to allow at least 64 characters).

    Django ships only a minimum-length validator; the maximum keeps hashing cost bounded.
    """

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Passordet kan ha høyst %(max_length)d tegn.",
                    "Passordet kan ha høyst %(max_length)d tegn.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Passordet kan ha høyst %(max_length)d tegn.") % {"max_length": self.max_length}


class BreachedPasswordValidator:
    """Refuse passwords known from breaches (NIST SP 800-63B): the list shipped with the project
    (accounts/breached.py, ~475,000 passwords), and, when PASSWORD_BREACH_RANGE_URL is set, the
    Pwned Passwords range API with k-anonymity: only the first 5 hex characters of the SHA-1
    leave the shop, never the password or its full hash.

    The online check fails open: if the service is slow or down, the shipped list still applies
    and the password is accepted (a warning is logged), so nobody is locked out of «Min konto»
    or an activation because a third party is unavailable.
    """

    def __init__(self, range_url=None, timeout=None):
        self._range_url = range_url
        self._timeout = timeout

    def validate(self, password, user=None):
        from .breached import is_breached

        if is_breached(password) or self._found_online(password):
            raise ValidationError(
                _("Dette passordet finnes i lister over passord som er kommet på avveie. "
                  "Velg et annet, gjerne en setning på flere ord."),
                code="password_breached",
            )

    def _found_online(self, password) -> bool:
        import hashlib
        import logging
        import urllib.error
        import urllib.request

        from django.conf import settings

        url = self._range_url or getattr(settings, "PASSWORD_BREACH_RANGE_URL", "")
        if not url:
            return False
        digest = hashlib.sha1(password.encode("utf-8")).hexdigest().upper()  # noqa: S324 (the API's key)
        prefix, suffix = digest[:5], digest[5:]
        timeout = self._timeout or getattr(settings, "PASSWORD_BREACH_TIMEOUT_SECONDS", 2.0)
        request = urllib.request.Request(  # noqa: S310 (an https URL the operator configured)
            url.rstrip("/") + "/" + prefix, headers={"Add-Padding": "true", "User-Agent": "nettbutikk"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                body = response.read(2_000_000).decode("utf-8", "replace")
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
            logging.getLogger(__name__).warning("Breached-password range check unavailable: %s", exc)
            return False
        for line in body.splitlines():
            candidate, _sep, count = line.strip().partition(":")
            if candidate.upper() == suffix and count.strip() not in ("", "0"):
                return True  # padding lines have count 0
        return False

    def get_help_text(self):
        return _("Passordet kan ikke være et som finnes i lister over lekkede passord.")
