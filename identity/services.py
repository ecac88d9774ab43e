"""Writes of the identity app."""

import logging

from allauth.idp.oidc.models import Token
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# What a client holds for a user. Authorization codes live for a minute in the cache and are
# refused at the token endpoint once the user is deactivated.
USER_TOKEN_TYPES = (Token.Type.ACCESS_TOKEN, Token.Type.REFRESH_TOKEN)


def oidc_tokens_revoke(*, user, reason: str) -> int:
    """Revoke every access and refresh token issued to `user`, for every client.

    The back office and the apps then have to send the user through the login again, where only
    the current password works. Returns the number of tokens revoked.
    """
    deleted, _ = Token.objects.filter(user=user, type__in=USER_TOKEN_TYPES).delete()
    if deleted:
        logger.info("Revoked %s OpenID Connect tokens of user %s: %s", deleted, user.pk, reason)
    return deleted


def oidc_tokens_clear_expired() -> int:
    """Delete expired access and refresh tokens (the table grows with every sign-in otherwise)."""
    deleted, _ = Token.objects.expired().delete()
    return deleted


def oidc_consent_granted(*, user, client_id, scopes) -> bool:
    """Has `user` already granted `client` every scope in `scopes` on the consent page?"""
    from .models import OIDCConsent

    consent = OIDCConsent.objects.filter(user=user, client_id=client_id).first()
    return consent is not None and set(scopes) <= set(consent.scopes)


def oidc_consent_record(*, user, client_id, scopes) -> None:
    """Remember what the person granted (added to what they granted that client before)."""
    from .models import OIDCConsent

    with transaction.atomic():
        consent, created = OIDCConsent.objects.select_for_update().get_or_create(
            user=user, client_id=client_id, defaults={"scopes": sorted(set(scopes))}
        )
        if not created:
            consent.scopes = sorted(set(consent.scopes) | set(scopes))
            consent.granted_at = timezone.now()
            consent.save(update_fields=["scopes", "granted_at"])


DEFAULT_CLIENT_SCOPES = ("openid", "email", "profile", "customers")


def oidc_client_register(*, name, client_type, redirect_uris, post_logout_redirect_uris=(),
                         client_id=None, scopes=DEFAULT_CLIENT_SCOPES, skip_consent=False):
    """Register a client as admin would; returns (client, secret) — secret None for public ones.

    Only what the shop offers: the authorization code and refresh token grants, response type
    `code`. Raises ValidationError for an id in use, an unknown scope or a bad redirect URI.
    """
    from allauth.idp.oidc.adapter import get_adapter
    from allauth.idp.oidc.models import Client
    from django.core.exceptions import ValidationError

    from .oidc import GRANT_TYPES, RESPONSE_TYPES

    known_scopes = set(DEFAULT_CLIENT_SCOPES)
    if unknown := set(scopes) - known_scopes:
        raise ValidationError(f"Unknown scopes: {', '.join(sorted(unknown))}")
    if "openid" not in scopes:
        raise ValidationError("The scopes must include openid.")
    for uri in [*redirect_uris, *post_logout_redirect_uris]:
        _check_client_uri(uri)
    adapter = get_adapter()
    client_id = client_id or adapter.generate_client_id()
    if Client.objects.filter(id=client_id).exists():
        raise ValidationError(f"A client with id {client_id!r} exists already.")
    client = Client(id=client_id, name=name, type=client_type, skip_consent=skip_consent)
    client.set_scopes(list(scopes))
    client.set_default_scopes(["openid"])
    client.set_grant_types(list(GRANT_TYPES))
    client.set_response_types(list(RESPONSE_TYPES))
    client.set_redirect_uris(list(redirect_uris))
    client.set_post_logout_redirect_uris(list(post_logout_redirect_uris))
    secret = None
    if client_type == Client.Type.CONFIDENTIAL:
        secret = adapter.generate_client_secret()
        client.set_secret(secret)
    client.full_clean()
    with transaction.atomic():
        client.save()
    logger.info("Registered OpenID Connect client %s (%s)", client.id, client_type)
    return client, secret


def _check_client_uri(uri):
    """HTTPS, plain HTTP only on a loopback address, or a native app's own scheme; no fragment."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ValidationError

    parts = urlsplit(uri)
    if not parts.scheme or parts.fragment or "#" in uri or "*" in uri:
        raise ValidationError(f"Not a usable redirect URI: {uri!r}")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
        raise ValidationError(f"Plain http is only allowed on a loopback address: {uri!r}")
    if parts.scheme in ("http", "https") and not parts.hostname:
        raise ValidationError(f"Not a usable redirect URI: {uri!r}")
