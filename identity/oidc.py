"""What allauth's OpenID Connect provider does not offer as a setting or an adapter method.

allauth builds its oauthlib server with its own `OAuthLibRequestValidator` and has no setting to
name another class, so `IdentityConfig.ready()` installs `ShopRequestValidator` (a subclass) in
`allauth.idp.oidc.internal.oauthlib.server`; `tests/identity/test_rp_contract.py` pins that it is
the one in use. Each override below says which promise of docs/OIDC.md it keeps; everything else
is allauth's.
"""

import base64
import binascii
import logging
import uuid
from urllib.parse import unquote_plus, urlsplit

from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.idp.oidc.internal.oauthlib.request_validator import OAuthLibRequestValidator
from allauth.idp.oidc.internal.oauthlib.utils import get_validator_context
from allauth.idp.oidc.models import Client, Token
from django.core.cache import cache
from oauthlib.oauth2.rfc6749 import errors

logger = logging.getLogger(__name__)

# The only grants and response types the shop offers (discovery says the same).
GRANT_TYPES = (Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN)
RESPONSE_TYPES = ("code",)
PKCE_METHOD = "S256"
LOOPBACK_HOSTS = ("127.0.0.1", "::1")
# How long a used authorization code is remembered, so that a replay revokes what the first
# exchange issued (RFC 6749 §4.1.2). Codes live 60 s; a day covers any realistic replay.
USED_CODE_MEMORY_SECONDS = 24 * 60 * 60


def _used_code_key(client_id, code):
    return f"identity.oidc.used_code[{client_id}:{code}]"


def redirect_uri_matches(uri: str, registered: list[str], *, public: bool) -> bool:
    """Exact string match (RFC 6749 §3.1.2.3, OAuth 2.1): no extra query parameters, same port.

    The one exception is RFC 8252 §7.3: a *native public* client registered with a loopback IP
    address (`http://127.0.0.1/…`, `http://[::1]/…`) may use any port, because the operating
    system hands it one at run time. Confidential clients always match the port too.
    """
    if uri in registered:
        return True
    if not public:
        return False
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or port is None:
        return False
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    without_port = parts._replace(netloc=host).geturl()
    # Only a registration without a port (`http://127.0.0.1/callback`) admits every port.
    return without_port in registered


def _basic_credentials(headers) -> list[tuple[str, str]]:
    """The client id and secret of an `Authorization: Basic` header, as RFC 6749 §2.3.1 says.

    Both are form-urlencoded before base64, so a secret with `+`, `/` or `=` arrives encoded:
    decoded first. Clients that skip the encoding (several popular libraries do) send the raw
    value; it is tried second, so both kinds of client work with any secret.
    """
    auth = headers.get("Authorization", "")
    scheme, _, credentials = auth.partition(" ")
    if scheme.lower() != "basic" or not credentials:
        return []
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return []
    raw_id, sep, raw_secret = decoded.partition(":")
    if not sep or not raw_id or not raw_secret:
        return []
    candidates = [(unquote_plus(raw_id), unquote_plus(raw_secret))]
    if candidates[0] != (raw_id, raw_secret):
        candidates.append((raw_id, raw_secret))
    return candidates


def _auth_time() -> int | None:
    """When the person last proved who they are in this browser session (allauth's records)."""
    request = context.request
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return None
    times = [r.get("at") for r in get_authentication_records(request, user) if r.get("at")]
    if times:
        return int(max(times))
    return int(user.last_login.timestamp()) if user.last_login else None


class ShopRequestValidator(OAuthLibRequestValidator):
    # --- client authentication -------------------------------------------------------------

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        candidates = _basic_credentials(request.headers)
        if not candidates:
            return super().authenticate_client(request, *args, **kwargs)  # client_secret_post
        for client_id, secret in candidates:
            client = self._lookup_client(request, client_id)
            if client and client.check_secret(secret):
                self._use_client(request, client)
                return True
        return False

    # --- authorization request -------------------------------------------------------------

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs) -> bool:
        return redirect_uri_matches(
            redirect_uri,
            request.client.get_redirect_uris(),
            public=request.client.type == Client.Type.PUBLIC,
        )

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        return response_type in RESPONSE_TYPES and super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs
        )

    def is_pkce_required(self, client_id, request) -> bool:
        # oauthlib asks this right before it reads code_challenge_method, and would take a
        # missing method as "plain". Discovery advertises only S256; refuse anything else.
        if (
            getattr(request, "response_type", None)
            and getattr(request, "code_challenge", None) is not None
            and request.code_challenge_method != PKCE_METHOD
        ):
            raise errors.UnsupportedCodeChallengeMethodError(
                description="code_challenge_method must be S256.", request=request
            )
        return super().is_pkce_required(client_id, request)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        auth_time = _auth_time()
        if auth_time is not None:
            code = dict(**code, auth_time=auth_time)
        super().save_authorization_code(client_id, code, request, *args, **kwargs)

    # --- token endpoint --------------------------------------------------------------------

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in GRANT_TYPES and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        if super().validate_code(client_id, code, client, request, *args, **kwargs):
            stored = self._lookup_authorization_code(request, client_id, code) or {}
            request.shop_grant = {"grant": uuid.uuid4().hex,
                                  "auth_time": stored.get("code", {}).get("auth_time")}
            return True
        grant = cache.get(_used_code_key(client_id, code))
        if grant:
            # A code used twice: someone else has it. Revoke everything the first exchange
            # issued, and what was refreshed from it since (RFC 6749 §4.1.2).
            revoked, _ = Token.objects.filter(client=client, data__grant=grant).delete()
            cache.delete(_used_code_key(client_id, code))
            logger.warning("Authorization code replayed for client %s: %s tokens revoked",
                           client_id, revoked)
        return False

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        data = get_validator_context().refresh_token.data or {}
        request.shop_grant = {"grant": data.get("grant") or uuid.uuid4().hex,
                              "auth_time": data.get("auth_time")}
        return True

    def _grant_data(self, request) -> dict:
        return getattr(request, "shop_grant", None) or {"grant": uuid.uuid4().hex}

    def _prep_access_token(self, ctx, token, request):
        access_token = super()._prep_access_token(ctx, token, request)
        access_token.data = {**(access_token.data or {}), **self._grant_data(request)}
        return access_token

    def _prep_refresh_token(self, ctx, refresh_token, request):
        rt = super()._prep_refresh_token(ctx, refresh_token, request)
        rt.data = {**(rt.data or {}), **self._grant_data(request)}
        return rt

    def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs) -> None:
        grant = self._grant_data(request)["grant"]
        cache.set(_used_code_key(client_id, code), grant, timeout=USED_CODE_MEMORY_SECONDS)
        super().invalidate_authorization_code(client_id, code, request, *args, **kwargs)

    def finalize_id_token(self, id_token, token, token_handler, request) -> str:
        auth_time = self._grant_data(request).get("auth_time")
        if auth_time:
            id_token["auth_time"] = auth_time
        return super().finalize_id_token(id_token, token, token_handler, request)

    # --- revocation (RFC 7009) -------------------------------------------------------------

    def revoke_token(self, token, token_type_hint, request, *args, **kwargs) -> None:
        """Only the calling client's tokens; a refresh token takes its access tokens along."""
        types = {
            "access_token": [Token.Type.ACCESS_TOKEN],
            "refresh_token": [Token.Type.REFRESH_TOKEN],
        }.get(token_type_hint, [Token.Type.ACCESS_TOKEN, Token.Type.REFRESH_TOKEN])
        tokens = Token.objects.by_value(token).filter(type__in=types, client=request.client)
        for instance in tokens:
            grant = (instance.data or {}).get("grant")
            if instance.type == Token.Type.REFRESH_TOKEN and grant:
                Token.objects.filter(client=request.client, data__grant=grant).delete()
        tokens.delete()


def install():
    """Called once from IdentityConfig.ready(): allauth's server builds this validator."""
    from allauth.idp.oidc.internal.oauthlib import server

    server.OAuthLibRequestValidator = ShopRequestValidator
