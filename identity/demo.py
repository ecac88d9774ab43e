"""Demo OpenID Connect clients for `manage.py seed_demo` (idempotent).

«Backoffice» is a confidential web client (client secret), «Mobilapp» a public native client
(PKCE, no secret). Both are our own, so the consent screen is skipped. The redirect URIs point at
local development servers; in production staff register the real ones in admin.
"""

from allauth.idp.oidc.models import Client

from .claims import CUSTOMERS_SCOPE

# Demo only: a production client gets a random secret from admin, shown once.
BACKOFFICE_DEMO_SECRET = "backoffice-demo-hemmelighet-2026"

SCOPES = ["openid", "profile", "email", CUSTOMERS_SCOPE]
GRANT_TYPES = [Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN]

CLIENTS = [
    {
        "id": "backoffice",
        "name": "Backoffice",
        "type": Client.Type.CONFIDENTIAL,
        "redirect_uris": ["http://127.0.0.1:8001/oidc/callback/", "http://localhost:8001/oidc/callback/"],
        "post_logout_redirect_uris": ["http://127.0.0.1:8001/", "http://localhost:8001/"],
        "secret": BACKOFFICE_DEMO_SECRET,
    },
    {
        "id": "mobilapp",
        "name": "Mobilapp",
        "type": Client.Type.PUBLIC,
        # The app's own URL scheme, and the loopback address for desktop test builds (any port).
        "redirect_uris": ["no.elektrogrossisten.mobilapp:/oauth2redirect", "http://127.0.0.1/callback"],
        "post_logout_redirect_uris": ["no.elektrogrossisten.mobilapp:/logout"],
        "secret": None,
    },
]


def seed(stdout=None):
    logins = []
    for spec in CLIENTS:
        client = Client.objects.filter(id=spec["id"]).first() or Client(id=spec["id"])
        client.name = spec["name"]
        client.type = spec["type"]
        client.skip_consent = True
        client.set_scopes(SCOPES)
        client.set_default_scopes(SCOPES)
        client.set_grant_types(GRANT_TYPES)
        client.set_response_types(["code"])
        client.set_redirect_uris(spec["redirect_uris"])
        client.set_post_logout_redirect_uris(spec["post_logout_redirect_uris"])
        if spec["secret"]:
            client.set_secret(spec["secret"])
        client.full_clean()
        client.save()
        if spec["secret"]:
            what = f"OIDC-klient «{client.name}» (client_id / client_secret)"
        else:
            what = f"OIDC-klient «{client.name}» (offentlig klient med PKCE, ingen hemmelighet)"
        logins.append((client.id, spec["secret"] or "", what))
    return logins
