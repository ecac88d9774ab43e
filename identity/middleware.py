"""Content-Security-Policy for the pages that send a person on to another system.

Chromium applies `form-action` to the whole redirect chain of a form submission. Signing in to the
back office is such a chain: the shop's login form (POST) → /identity/o/authorize → the back
office's redirect URI. With `form-action 'self'` the last hop is blocked and the person is stranded
on a blank page. On the login, consent and logout pages the policy therefore also allows the
origins of the redirect URIs staff registered for our clients, and nothing else.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

CACHE_KEY = "identity:client-redirect-origins"
CACHE_SECONDS = 300
# Where a person fills in a form that may end in a redirect to a client.
PATH_PREFIXES = ("/konto/", "/identity/")
_SAFE_SOURCE = re.compile(r"^[a-z][a-z0-9+.-]*:(//[a-z0-9*.\-\[\]:]+)?$", re.IGNORECASE)


def source_for(uri: str) -> str | None:
    """The CSP source expression that admits redirects to `uri`, or None if it cannot be expressed."""
    parts = urlsplit(uri.strip())
    if not parts.scheme:
        return None
    if not parts.netloc:
        source = f"{parts.scheme}:"  # a native app's own scheme, e.g. no.firma.app:/callback
    else:
        host = parts.hostname or ""
        shown = f"[{host}]" if ":" in host else host
        if host in ("127.0.0.1", "::1"):
            port = ":*"  # loopback redirect URIs match any port (RFC 8252)
        else:
            try:
                port = f":{parts.port}" if parts.port else ""
            except ValueError:
                return None
        source = f"{parts.scheme}://{shown}{port}"
    return source.lower() if _SAFE_SOURCE.match(source) else None


def client_redirect_sources() -> list[str]:
    sources = cache.get(CACHE_KEY)
    if sources is None:
        from allauth.idp.oidc.models import Client

        found = set()
        for client in Client.objects.only("redirect_uris", "data"):
            for uri in [*client.get_redirect_uris(), *client.get_post_logout_redirect_uris()]:
                source = source_for(uri)
                if source:
                    found.add(source)
        sources = sorted(found)
        cache.set(CACHE_KEY, sources, CACHE_SECONDS)
    return sources


def policy_with_client_form_actions(policy: str, sources: list[str]) -> str:
    if not sources:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "form-action":
            directives[index] = " ".join([directive, *sources])
            break
    else:
        return policy  # no form-action directive: nothing restricts the redirect
    return "; ".join(directives)


class ClientRedirectCSPMiddleware:
    """Sets the CSP of login/consent/logout pages; core.middleware adds the site-wide one elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(PATH_PREFIXES)
            and "Content-Security-Policy" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response["Content-Security-Policy"] = policy_with_client_form_actions(
                settings.CONTENT_SECURITY_POLICY, client_redirect_sources()
            )
        return response
