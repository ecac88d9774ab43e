"""allauth adapters: what the OpenID Connect provider and the app API say about a user."""

import dataclasses
import secrets
from typing import Any

from allauth.headless.adapter import DefaultHeadlessAdapter
from allauth.idp.oidc import app_settings as oidc_settings
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .claims import CUSTOMERS_SCOPE, customers_claim, email_claims
from .oidc import GRANT_TYPES, PKCE_METHOD, RESPONSE_TYPES


class OIDCAdapter(DefaultOIDCAdapter):
    """Claims for the back office and the apps: email, name and the user's customers with roles.

    Scopes: `openid` (sub), `email` (email, email_verified), `profile` (name) and our own
    `customers` (customers: [{number, name, role}]). A client gets only the scopes staff allowed
    it in admin.
    """

    scope_display = {
        **DefaultOIDCAdapter.scope_display,
        CUSTOMERS_SCOPE: _("Se hvilke kunder du handler for, og rollen din hos hver"),
    }

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs) -> dict[str, Any]:
        scopes = set(scopes)
        claims: dict[str, Any] = {"sub": self.get_user_sub(client, user)}
        if "email" in scopes:
            claims.update(email_claims(user))
        if "profile" in scopes:
            claims["name"] = user.get_full_name()
        if CUSTOMERS_SCOPE in scopes:
            claims[CUSTOMERS_SCOPE] = customers_claim(user)
        return claims

    def get_issuer(self) -> str:
        """Always SHOP_URL: a token fetched through an internal host name carries the same `iss`.

        (allauth's default follows the request's Host header.)
        """
        return settings.SHOP_URL

    def generate_client_secret(self) -> str:
        """URL-safe (A-Z, a-z, 0-9, `-`, `_`): nothing a client must encode for HTTP Basic."""
        return secrets.token_urlsafe(48)

    def populate_server_metadata(self, data) -> None:
        # Only what the shop offers: no device code, client credentials, implicit or hybrid.
        data.pop("device_authorization_endpoint", None)
        data["grant_types_supported"] = [str(g) for g in GRANT_TYPES]
        data["response_types_supported"] = list(RESPONSE_TYPES)
        data["code_challenge_methods_supported"] = [PKCE_METHOD]
        data["scopes_supported"] = [*data.get("scopes_supported", []), CUSTOMERS_SCOPE]
        data["claims_supported"] = [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
            "email", "email_verified", "name", CUSTOMERS_SCOPE,
        ]

    def get_signing_key(self):
        """Sign with IDP_OIDC_PRIVATE_KEY; the verify-only keys are only published in the JWKS.

        allauth would otherwise pick the most recently *issued* key, and our keys carry no dates.
        """
        current = oidc_settings.PRIVATE_KEY
        for key in self.list_private_keys(did_activate=True, is_active=True):
            if key.pem == current:
                return key
        return super().get_signing_key()


class HeadlessAdapter(DefaultHeadlessAdapter):
    """The app API's user payload carries the name and the customers, as the ID token does."""

    def get_user_dataclass(self):
        base = super().get_user_dataclass()
        return dataclasses.make_dataclass(
            "User",
            [
                ("name", str, dataclasses.field(default="", metadata={
                    "description": "The user's full name.", "example": "Kari Nordmann"})),
                ("customers", list, dataclasses.field(default_factory=list, metadata={
                    "description": "Active customers the user acts for: number, name, role.",
                    "example": [{"number": "10001", "name": "Nordlys Elektro AS", "role": "administrator"}],
                })),
            ],
            bases=(base,),
        )

    def user_as_dataclass(self, user):
        data = super().user_as_dataclass(user)  # built from get_user_dataclass() above
        if user.pk:
            data.name = user.name
            data.customers = customers_claim(user)
        return data
