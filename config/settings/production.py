"""Production: secrets and hosts are required, HTTPS everywhere, hashed static files.

`manage.py check --deploy --settings=config.settings.production` passes with no warnings.
"""

from identity.keys import private_key_setting

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
# Passkeys only over HTTPS.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# The shop's earlier addresses (SHOP_URL_ALIASES) answer with a 301 to SHOP_URL, so they are allowed.
ALLOWED_HOSTS += [h for h in SHOP_URL_ALIAS_HOSTS if h not in ALLOWED_HOSTS]  # noqa: F405

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)  # noqa: F405

# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks from the load balancer and compose, and Prometheus scrapes (bearer token, inside
# the cluster), come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
# Sessions are read from the cache (Redis) on every request and written through to the database:
# Django's cached_db, read in one round trip with the snapshot of its user (accounts/sessions.py).
SESSION_ENGINE = env("SESSION_ENGINE", default="accounts.sessions")
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

STORAGES = {
    "default": MEDIA_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The OpenID Connect signing key comes from the environment, never from a generated file.
IDP_OIDC_PRIVATE_KEY = private_key_setting(env("IDP_OIDC_PRIVATE_KEY", default=""), dev_key_path=None)

# --- Client address behind the load balancer (security review, issue #15 item 8) ---
# `check --deploy` fails unless the operator said how the client's address reaches us
# (core/checks.py); TRUSTED_PROXY_COUNT=0 explicitly means "no proxy in front".
CLIENT_IP_SOURCE_CONFIGURED = bool(
    env("TRUSTED_PROXY_COUNT", default="") or env("TRUSTED_CLIENT_IP_HEADER", default="")
)
