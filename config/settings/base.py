"""Settings for every environment, read from environment variables with embedded defaults.

With nothing set, `manage.py runserver` works: SQLite, eager Celery, local-memory cache and the
console email backend. Production overrides live in `production.py`, test tweaks in `test.py`.

Over 450 lines because it is the one list of every setting the shop reads, in sections, mirrored by
`.env.example` (tests/ops/test_config_files.py keeps the two in step); split, an operator would have
to look in several files for one variable.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

from identity.keys import private_key_setting, split_pems

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ----------------------------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SHOP_NAME = env("SHOP_NAME", default="Elektrogrossisten")
# Absolute links in emails are built from SHOP_URL, never from the request's Host header.
SHOP_URL = env("SHOP_URL", default="http://127.0.0.1:8000").rstrip("/")
LEGACY_SHOP_URL = env("LEGACY_SHOP_URL", default="http://127.0.0.1:8000/flytt/dagens-nettbutikk/")
# Earlier base URLs of the shop (the beta address): requests to these hosts get a 301 to the same
# path and query on SHOP_URL (core.middleware.ShopUrlAliasMiddleware); their hosts are allowed hosts.
SHOP_URL_ALIASES = [u.rstrip("/") for u in env.list("SHOP_URL_ALIASES", default=[])]
SHOP_URL_ALIAS_HOSTS = [h for h in (urlsplit(u).hostname for u in SHOP_URL_ALIASES) if h]
ALLOWED_HOSTS += [h for h in SHOP_URL_ALIAS_HOSTS if h not in ALLOWED_HOSTS]
# Shared secret for the legacy shop's signed hand-off link; unset disables the hand-off.
LEGACY_HANDOFF_SECRET = env("LEGACY_HANDOFF_SECRET", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.idp.oidc",
    "anymail",
    "core",
    "accounts",
    "migration",
    "shop",
    "faq",
    "identity",
    "django_prometheus",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.ProbeMiddleware",
    "core.middleware.ShopUrlAliasMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffAccessMiddleware",
    "accounts.middleware.CurrentCustomerMiddleware",
]
# Request counts and latencies for /metrics (core/metrics.py): the first and the last middleware.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shop",
                "accounts.context_processors.current_customer",
                "shop.context_processors.prices",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery -------------------------------------------------------------------------------

# The broker (and Celery results, the beat lock): a Redis with `noeviction` and persistence.
REDIS_URL = env("REDIS_URL", default="")
# The cache (cached sessions, rate-limit counters, list fragments) may live in a second Redis that
# evicts (`maxmemory` + `allkeys-lru`); unset, it shares REDIS_URL. Sessions are written through to
# the database in production, so an evicted session is read back from there.
CACHE_URL = env("CACHE_URL", default=REDIS_URL)

if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="shop"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker, tasks run in-process at enqueue time so that the dev server needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Oslo"
# A task is acknowledged only after it finished, and re-queued if its worker dies, so a killed
# worker loses nothing; the outbox makes the re-run send nothing twice.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
# Unacknowledged messages come back after this long; every retry countdown stays below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "core.tasks.outbox_sweep", "schedule": 60.0},
    # Retention (README «Operations»): expired sessions and old outbox bodies, daily.
    "sessions-clear": {"task": "core.tasks.sessions_clear", "schedule": 60.0 * 60 * 24},
    "outbox-purge": {"task": "core.tasks.outbox_purge", "schedule": 60.0 * 60 * 24},
    # The front page's most ordered products, recounted before they expire (shop.caching).
    "shop-popular-refresh": {"task": "shop.tasks.popular_refresh", "schedule": 60.0 * 10},
}
# Django's logging config applies to worker and beat too (LOG_FORMAT, the request and task ids):
# core.celery_signals answers Celery's setup_logging signal, so Celery leaves logging alone.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One scheduler: with Redis, beat keeps its schedule in Redis and runs only while it holds a lock
# there (celery-redbeat); a second beat process waits for the lock and takes over when the first
# stops. core.beat.Scheduler also records each tick for the beat health check.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "core.beat.Scheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="redbeat:")
    # Beat wakes at least this often (seconds); the lock expires after BEAT_LOCK_TIMEOUT seconds
    # without a tick, and a waiting beat takes over.
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("BEAT_MAX_LOOP_INTERVAL", default=30)
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=150)
    CELERY_REDBEAT_REDIS_OPTIONS = {"retry_period": 60}
# Bounce mailbox poll, only when BOUNCE_IMAP_URL is set (core.tasks.bounces_poll_imap).
if env("BOUNCE_IMAP_URL", default=""):
    CELERY_BEAT_SCHEDULE["bounces-imap"] = {"task": "core.tasks.bounces_poll_imap", "schedule": 120.0}

# --- Email ---------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SHOP_NAME} <noreply@example.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# A worker keeps its SMTP connections open between messages for this long (0 = one per message).
SMTP_CONNECTION_REUSE_SECONDS = env.int("SMTP_CONNECTION_REUSE_SECONDS", default=30)
# Rows per outbox batch task, and SMTP connections a worker process uses in parallel for one batch.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=20)
# Messages per minute across all workers (Redis), for an email provider's cap; 0 = unlimited.
EMAIL_RATE_LIMIT_PER_MINUTE = env.int("EMAIL_RATE_LIMIT_PER_MINUTE", default=0)
# The limit's counting window (the per-minute limit is scaled to it); shorter only in tests.
EMAIL_RATE_LIMIT_WINDOW_SECONDS = env.int("EMAIL_RATE_LIMIT_WINDOW_SECONDS", default=60)
# Outbox: how many attempts before a row is marked failed, and when the sweeper re-enqueues.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_STALE_AFTER_SECONDS = env.int("OUTBOX_STALE_AFTER_SECONDS", default=300)
# First retry delay; it doubles per attempt up to 30 minutes (below the broker's visibility timeout).
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
# Days an outbox row keeps its content (the context the email was rendered from); after that the
# row, its recipient, status and dates stay for the record and the content is removed (core.retention).
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
# /healthz?deep=1 answers 503 when the oldest pending outbox row waited longer than this (seconds).
HEALTHZ_OUTBOX_MAX_AGE_SECONDS = env.int("HEALTHZ_OUTBOX_MAX_AGE_SECONDS", default=15 * 60)
# Bounces (core/bounces.py). Envelope sender base for VERP (`retur@butikk.no` → `retur+<id>-<sig>@…`);
# unset: no bounce tracking. An optional mailbox polled by beat (`imaps://user:pass@host/INBOX`).
EMAIL_BOUNCE_ADDRESS = env("EMAIL_BOUNCE_ADDRESS", default="")
BOUNCE_IMAP_URL = env("BOUNCE_IMAP_URL", default="")
# Where handled messages go on the IMAP server ("" = flag them \Seen + \Deleted-free: just \Seen).
BOUNCE_IMAP_DONE_FOLDER = env("BOUNCE_IMAP_DONE_FOLDER", default="")
# How far back a bounce without the VERP address is matched by the original Message-ID.
BOUNCE_MATCH_DAYS = env.int("BOUNCE_MATCH_DAYS", default=60)
# A provider's tracking webhooks through django-anymail (/anymail/<esp>/tracking/): the shared
# basic-auth secret ("user:password") and, for Mailgun, its webhook signing key.
ANYMAIL = {
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default="") or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY", default="") or None,
}

# --- Authentication ------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the session's user from the snapshot (accounts/snapshot.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# NIST 800-63B: length over composition; common and user-similar passwords rejected.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    # ~475,000 breached passwords shipped with the project (accounts/breached.py), plus the
    # optional online range check below.
    {"NAME": "accounts.validators.BreachedPasswordValidator"},
]
# Optional k-anonymity check against a Pwned Passwords range API (e.g. its public /range/ URL);
# unset: only the shipped list. Only 5 hex characters of the password's SHA-1 are sent.
PASSWORD_BREACH_RANGE_URL = env("PASSWORD_BREACH_RANGE_URL", default="")
PASSWORD_BREACH_TIMEOUT_SECONDS = env.float("PASSWORD_BREACH_TIMEOUT_SECONDS", default=2.0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login; no public sign-up (see accounts.adapter).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "set_password": "accounts.allauth_forms.SetPasswordForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# A changed email takes effect only once the new address is proven through the emailed link.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Reset links die on use, on email change and when staff deactivate the user.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "core.links.ActiveUserPasswordResetTokenGenerator"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60 * 2)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SHOP_URL.startswith("https") else "http"
# --- Re-authentication before account changes (security review, issue #15 item 4) ---
# Adding, removing or making primary an email address (the «Endre e-post» flow) asks for the
# password again unless the person entered it in the last ACCOUNT_REAUTHENTICATION_TIMEOUT
# seconds: a session left open on a shared PC cannot move the account to another address (and
# then reset its password). The password change form asks for the current password itself.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth.mfa (added by the staff work): its TOTP, recovery-code and WebAuthn settings ask for
# re-authentication too. This is allauth's default; stated so that nobody turns it off.
MFA_REAUTHENTICATION_REQUIRED = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# --- Second factor («To-trinns innlogging», allauth.mfa) and staff ---------------------------------

# TOTP apps and passkeys (WebAuthn), with recovery codes. Required for every staff user before any
# admin page (accounts.middleware.StaffAccessMiddleware); customer users turn it on in «Min konto».
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = SHOP_NAME
# Passkeys need HTTPS, except on http://localhost during development and in the browser tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# Code entry is limited by allauth's "login_failed" limit in ACCOUNT_RATE_LIMITS (per IP address and
# per user); the limit's answer is our 429 page (accounts.adapter).
# A staff session ends after this many minutes without a request (customers keep SESSION_COOKIE_AGE).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
# Days a staff member's set-password link (manage.py create_staff) stays valid.
STAFF_PASSWORD_LINK_DAYS = env.int("STAFF_PASSWORD_LINK_DAYS", default=3)
# A move wave over this many customer numbers asks for the password again (reauthentication).
STAFF_REAUTH_WAVE_SIZE = env.int("STAFF_REAUTH_WAVE_SIZE", default=50)

# --- Accounts: invitations, «Min konto», «Brukere» ------------------------------------------------

# Days an invitation or activation link stays valid.
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)
# «Brukere» forms that send email, limited like allauth's (same syntax, same 429 page).
ACCOUNTS_RATE_LIMITS = {
    "invite": "30/h/user",
    "invitation_resend": "10/h/user,3/10m/key",
}

# --- Migration from the legacy shop --------------------------------------------------------------

ACTIVATION_TIMEOUT_DAYS = env.int("ACTIVATION_TIMEOUT_DAYS", default=7)
# The move button's deadline: days ahead staff may choose, and the default.
MIGRATION_DEADLINE_MIN_DAYS = env.int("MIGRATION_DEADLINE_MIN_DAYS", default=14)
MIGRATION_DEADLINE_MAX_DAYS = env.int("MIGRATION_DEADLINE_MAX_DAYS", default=28)
MIGRATION_DEADLINE_DEFAULT_DAYS = env.int("MIGRATION_DEADLINE_DEFAULT_DAYS", default=21)
# Reminder emails go this many days before the deadline (once each per legacy account).
MIGRATION_REMINDER_DAYS = [7, 1]
# Customers per Celery task when the move button is pressed for a wave (services.customers_flag_wave).
MIGRATION_FLAG_CHUNK = env.int("MIGRATION_FLAG_CHUNK", default=100)
# The legacy shop's signed hand-off link is valid this long (seconds).
LEGACY_HANDOFF_MAX_AGE = env.int("LEGACY_HANDOFF_MAX_AGE", default=300)
# Legacy «Glemt passord?» links stay valid this long (seconds).
LEGACY_RESET_MAX_AGE = env.int("LEGACY_RESET_MAX_AGE", default=60 * 60 * 24)
# A login at the legacy gate lasts this long (seconds), and only while the stored legacy hash and the
# account's state are as they were (core.links, kind "legacy_session").
LEGACY_SESSION_MAX_AGE = env.int("LEGACY_SESSION_MAX_AGE", default=60 * 60 * 2)
# Rate limits for the gate, its reset, «Aktiver», «Meld interesse» and the move form, in allauth's
# syntax (core/ratelimit.py): per client address and per key (legacy username, email, legacy account).
MIGRATION_RATE_LIMITS = {
    "legacy_login": "30/5m/ip,8/5m/key",
    "legacy_reset": "20/h/ip,3/h/key",
    "activate_request": "20/h/ip,3/h/key",
    "interest": "10/h/ip,3/h/key",
    "move_form": "30/5m/ip,10/5m/key",
}
# «Oppfølging» (the call list): «Ringt» hides a row this long; "close to the deadline" and "activation
# not finished" mean this many days.
FOLLOWUP_CALLED_HIDE_DAYS = env.int("FOLLOWUP_CALLED_HIDE_DAYS", default=3)
FOLLOWUP_DEADLINE_DAYS = env.int("FOLLOWUP_DEADLINE_DAYS", default=7)
FOLLOWUP_ACTIVATION_DAYS = env.int("FOLLOWUP_ACTIVATION_DAYS", default=3)
CELERY_BEAT_SCHEDULE["migration-reminders"] = {
    "task": "migration.tasks.send_reminders",
    # Hourly; shorter only in tests of the scheduler.
    "schedule": float(env.int("MIGRATION_REMINDER_INTERVAL_SECONDS", default=60 * 60)),
}

# --- Shop ----------------------------------------------------------------------------------------

# Norwegian VAT («mva») on every price shown excl. VAT; a string so it becomes an exact Decimal.
VAT_RATE = env("VAT_RATE", default="0.25")
# Products per page in catalogue, category and search lists.
SHOP_PAGE_SIZE = env.int("SHOP_PAGE_SIZE", default=24)
# Seconds a list count, manufacturer facet or category tree may stay in the cache. They are also
# keyed by a catalogue version that moves on every product/category/stock change and import.
SHOP_LIST_CACHE_SECONDS = env.int("SHOP_LIST_CACHE_SECONDS", default=300)

# The order confirmation email carries the order as a PDF (rendered by the worker when it sends).
ORDER_CONFIRMATION_PDF = env.bool("ORDER_CONFIRMATION_PDF", default=True)
# Attachments by email kind: a dotted path to a function (outbox row) → [(filename, bytes, mimetype)],
# called when the email is rendered for sending. The outbox (core) knows no app's code.
EMAIL_ATTACHMENTS = {"shop.order_confirmation": "shop.order_documents.order_confirmation_attachments"}

# --- Help and contact ----------------------------------------------------------------------------

# Contact form («Kontakt oss»): where requests go when no branch is known, and spam/flood limits.
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="kundeservice@example.no")
# A form sent back faster than this after it was shown is treated as a bot (no person fills in
# name, email, topic and message in two seconds; scripted spam posts within milliseconds).
CONTACT_MIN_FILL_SECONDS = env.float("CONTACT_MIN_FILL_SECONDS", default=2)
# A form older than this must be reloaded (its signed timestamp has expired).
CONTACT_FORM_MAX_AGE_SECONDS = env.int("CONTACT_FORM_MAX_AGE_SECONDS", default=60 * 60 * 12)
# Rate limits (core/ratelimit.py): submissions per IP address (every attempt counts) and accepted
# requests per sender email address, within the last CONTACT_RATE_LIMIT_WINDOW_SECONDS.
CONTACT_RATE_LIMIT_PER_IP = env.int("CONTACT_RATE_LIMIT_PER_IP", default=20)
CONTACT_RATE_LIMIT_PER_EMAIL = env.int("CONTACT_RATE_LIMIT_PER_EMAIL", default=5)
CONTACT_RATE_LIMIT_WINDOW_SECONDS = env.int("CONTACT_RATE_LIMIT_WINDOW_SECONDS", default=60 * 60)
CONTACT_MESSAGE_MAX_LENGTH = 5000

# --- One password for every system (OpenID Connect provider, app API) ----------------------------

# The shop is the identity provider for the back office and the mobile apps (docs/OIDC.md).
# Discovery: /.well-known/openid-configuration; clients are registered by staff in admin.
IDP_OIDC_ADAPTER = "identity.adapter.OIDCAdapter"
# RSA key (PEM) that signs ID tokens; `\n` may stand for newlines. Unset: a development key is
# generated once into a git-ignored file. Production requires it (see production.py).
IDP_OIDC_PRIVATE_KEY = private_key_setting(
    env("IDP_OIDC_PRIVATE_KEY", default=""), dev_key_path=BASE_DIR / ".oidc-dev-key.pem"
)
# Rotation: further PEM keys, published in the JWKS for verification but never used to sign.
IDP_OIDC_PRIVATE_KEYS = [
    {"pem": pem}
    for pem in split_pems(env("IDP_OIDC_VERIFY_ONLY_KEYS", default=""))
    if pem != IDP_OIDC_PRIVATE_KEY
]
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = env.int("IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN", default=60 * 60)
# Refresh tokens rotate on every use and expire when unused for this long (default 30 days).
IDP_OIDC_REFRESH_TOKEN_EXPIRES_IN = env.int("IDP_OIDC_REFRESH_TOKEN_EXPIRES_IN", default=60 * 60 * 24 * 30)
IDP_OIDC_ROTATE_REFRESH_TOKEN = True
# Expired tokens are deleted once a day by Celery beat.
CELERY_BEAT_SCHEDULE["oidc-tokens-clear"] = {
    "task": "identity.tasks.oidc_tokens_clear",
    "schedule": 60 * 60 * 24,
}
# Public clients (the mobile app) must use PKCE; allauth enforces it for client type "public".
IDP_OIDC_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
# Logging out of a client asks the person whether to log out of the shop too, also with a valid
# id_token_hint: an ID token is no proof that the person is asking (any page can send the browser
# to the logout URL with an old one). Security review, issue #15 item 8.
IDP_OIDC_RP_INITIATED_LOGOUT_ASKS_FOR_OP_LOGOUT = True

# The login, consent and logout pages may send the person on to a registered client's redirect
# URI; their Content-Security-Policy allows those origins in form-action (identity/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.SecurityHeadersMiddleware") + 1,
    "identity.middleware.ClientRedirectCSPMiddleware",
)

# Headless API for the mobile app under /_allauth/app/v1/ (session token in X-Session-Token).
# Only the "app" client: browsers use the shop's own pages. Rate limits are ACCOUNT_RATE_LIMITS.
HEADLESS_CLIENTS = ["app"]
HEADLESS_ADAPTER = "identity.adapter.HeadlessAdapter"

# --- Sessions, security --------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Our own pages load nothing from other origins; see core.middleware.SecurityHeadersMiddleware.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# --- Reliability and security ---------------------------------------------------------------------

# The client address that rate limits count (allauth's, the contact form's) comes from REMOTE_ADDR.
# X-Forwarded-For is NOT trusted by default: anyone can send it. Behind our own proxies set
# TRUSTED_PROXY_COUNT to how many of them append to X-Forwarded-For (1 for one load balancer);
# allauth then takes the address the outermost trusted proxy saw, so a forged header escapes nothing.
# Or name a header that the proxy overwrites (e.g. X-Real-IP) in TRUSTED_CLIENT_IP_HEADER.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)

# --- Internationalisation ------------------------------------------------------------------------

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- Media: product pictures and documents ------------------------------------------------------

# Uploaded and imported files go through Django's storage API: a folder by default, an S3-compatible
# bucket (django-storages) when MEDIA_S3_BUCKET is set; credentials come the usual boto3 way
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment, or the instance's role).
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("MEDIA_S3_REGION", default="") or None,
            # Product pictures and datasheets are public catalogue content: plain, cacheable URLs.
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# With files in a folder the app serves /media/ itself (public catalogue files only; a proxy in front
# may serve MEDIA_ROOT instead and set MEDIA_SERVE=False).
MEDIA_SERVE = env.bool("MEDIA_SERVE", default=not MEDIA_S3_BUCKET)

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Logging: one line per event, each with the request id ---------------------------------------

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# "text" (development) or "json": one JSON object per line on web, worker and beat, with the
# request id (carried into the Celery tasks a request enqueues) and the Celery task id.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s",
        },
        "json": {
            "()": "core.logging.JsonFormatter",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "line",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler (DEBUG only, message without format) would print each
        # django.* line a second time; the root handler is the one place lines are written.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO; fontTools every font it subsets.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Errors and metrics (README «Operations») -----------------------------------------------------

# Bearer token for /metrics (Prometheus); unset, /metrics answers 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# The shop's own gauges on /metrics, one collector per app that has figures to show.
METRICS_COLLECTORS = ["core.metrics.CoreCollector", "migration.metrics.LegacyAccountCollector"]
# Optional error reports to Sentry (or a compatible service); nothing is sent without a DSN.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
# The release tag: set by the image build (the git commit) or by hand.
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE or None,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# How long an unused authorization snapshot (accounts/snapshot.py) lingers in the cache; every write
# to a user, membership, customer or branch replaces it at once, whatever this says.
AUTH_SNAPSHOT_SECONDS = env.int("AUTH_SNAPSHOT_SECONDS", default=3600)
