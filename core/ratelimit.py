"""The project's one rate-limit rule: allauth's limiter, for every form that can be abused.

allauth already limits logins and password resets (`ACCOUNT_RATE_LIMITS`). The «Brukere» emails,
the contact form and the migration forms are counted by the same code, so they share:

- the syntax: `{action: "amount/duration/per, ..."}` with `per` one of `ip`, `key`, `user`
  (`"30/5m/ip,8/5m/key"`: 30 per five minutes per client, 8 per key);
- the client address: allauth's adapter, which honours `TRUSTED_PROXY_COUNT`, so a forged
  `X-Forwarded-For` changes nothing;
- the counters: allauth's, in the default cache (Redis in production, shared by every worker). With
  the cache unreachable, counting raises and the request ends on the 500 page before anything is
  sent: the forms fail closed;
- the Norwegian 429 page (`templates/429.html`, through allauth's `respond_429`).

allauth's public `allauth.core.ratelimit.consume` reads allauth's own settings only; the internal
`consume` it wraps takes a config (its public `consume_or_429` passes one through too), and that is
what is used here rather than a counter of our own.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit as _allauth
from allauth.core.ratelimit import respond_429
from django.core.exceptions import PermissionDenied

__all__ = ("client_ip", "consume", "consume_or_429", "respond_429")

# Part of the cache key ("allauth:rl:<app>:<action>:<rate>:..."), apart from allauth's own counters.
APP = "shop"


def consume(request, action: str, config: dict[str, str] | None, *, key: str = "") -> bool:
    """Count this request for `action` under `config`; False once one of its rates is used up.

    A per-key rate counts `key` ignoring case and surrounding spaces (like the lookups: « Ola »
    and «ola» are one username) and does not apply when there is no key. An action missing from
    `config` (or an empty config) is not limited.
    """
    key = key.strip().lower()
    rates = [part.strip() for part in ((config or {}).get(action) or "").split(",") if part.strip()]
    if not key:
        rates = [rate for rate in rates if _allauth.parse_rate(rate).per != "key"]
    if not rates:
        return True
    usage = _allauth.consume(
        request,
        app=APP,
        action=action,
        config={action: ",".join(rates)},
        key=key or None,
        limit_get=True,
    )
    return usage is not None


def consume_or_429(request, action: str, config: dict[str, str] | None, *, key: str = ""):
    """`consume`, answering with the 429 page when the limit is reached (None while within it)."""
    if consume(request, action, config, key=key):
        return None
    return respond_429(request)


def client_ip(request) -> str:
    """The client's address as the limits see it (allauth's adapter: `TRUSTED_PROXY_COUNT` and the
    trusted header honoured), for records such as a support request's sender address."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all
        return request.META.get("REMOTE_ADDR", "")
