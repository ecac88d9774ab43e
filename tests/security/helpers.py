"""Helpers shared by the security tests."""

import re

from django.conf import settings

_VOLATILE = [
    # CSRF tokens (hidden inputs and any meta tag) and the contact form's signed timestamp.
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"'), r'\1CSRF"'),
    (re.compile(r'(name="started" value=")[^"]*"'), r'\1STARTED"'),
    (re.compile(r'(name="started"[^>]*value=")[^"]*"'), r'\1STARTED"'),
    (re.compile(r'(id="id_started"[^>]*value=")[^"]*"'), r'\1STARTED"'),
    # The request id on the 500 page («Feilkode»).
    (re.compile(r"<code>[A-Za-z0-9._-]{8,64}</code>"), "<code>REQUEST-ID</code>"),
    # Contact-form case numbers.
    (re.compile(r"<strong>[A-Z]{1,4}-?\d[\d-]*</strong>"), "<strong>REF</strong>"),
]


def normalise(response, *identities: str) -> str:
    """The response body with per-request values and the typed identities replaced."""
    body = response.content.decode()
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    for identity in identities:
        if identity:
            body = body.replace(identity, "IDENTITY")
    return body


def answer(response, *identities: str):
    """What an attacker sees: the redirect chain, the final status and the normalised body."""
    chain = [(url, status) for url, status in getattr(response, "redirect_chain", [])]
    return chain, response.status_code, normalise(response, *identities)


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_redis_caches() -> dict:
    """CACHES pointing at a Redis that refuses connections (the shared server is left alone)."""
    return {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def smtp_down_settings() -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": closed_port(),
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 2,
    }


NO_RATE_LIMITS = {
    "ACCOUNT_RATE_LIMITS": False,
    "ACCOUNTS_RATE_LIMITS": {},
    "CONTACT_RATE_LIMIT_PER_IP": 10**9,
    "CONTACT_RATE_LIMIT_PER_EMAIL": 10**9,
    "MIGRATION_RATE_LIMITS": {},
}

def _is_allauth(resolver) -> bool:
    module = resolver.urlconf_name
    name = module if isinstance(module, str) else getattr(module, "__name__", "")
    return name.startswith("allauth")


def walk_urls(resolver=None, namespace="", converters=None, *, skip_namespaces=("admin",), skip_allauth=True):
    """Yield (url name, {argument: converter name}) for every named pattern, through every include."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    converters = converters or {}
    for entry in resolver.url_patterns:
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            if entry.namespace in skip_namespaces or (skip_allauth and _is_allauth(entry)):
                continue
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_urls(
                entry, child_ns, found, skip_namespaces=skip_namespaces, skip_allauth=skip_allauth
            )
        elif isinstance(entry, URLPattern) and entry.name:
            arguments = {name: type(conv).__name__ for name, conv in found.items()}
            # Regex patterns (re_path) have no converters: their named groups are arguments too.
            if not found and entry.pattern.regex.groupindex:
                arguments = dict.fromkeys(entry.pattern.regex.groupindex, "regex")
            yield f"{namespace}{entry.name}", arguments


__all__ = ["walk_urls", "answer", "normalise", "closed_port", "unreachable_redis_caches", "smtp_down_settings", "settings"]
