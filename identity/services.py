"""Writes of the identity app."""

import logging

from allauth.idp.oidc.models import Token

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
