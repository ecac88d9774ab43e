"""Error reports to Sentry when SENTRY_DSN is set (config/settings/base.py), without personal data.

sentry-sdk's own protections are on: `send_default_pii=False` (no user, cookies, client address or
request body) and its EventScrubber with a recursive deny-list (password, token, session, csrf,
authorization… in headers, query strings, frame variables). What that deny-list cannot know about is
ours: emails in exception messages and log lines, and the tokens the shop puts in URL paths
(/flytt/invitasjon/<token>/, /konto/invitasjon/<id>/<token>/, reset and activation links). `scrub`
runs last on every event and breadcrumb and masks both wherever they occur.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

FILTERED = "[Filtered]"
# Keys whose values never leave the process, on top of sentry-sdk's defaults.
DENYLIST = [
    *DEFAULT_DENYLIST,
    "email", "e_post", "epost", "to", "reply_to", "phone", "telefon", "name", "navn", "username",
    "key", "signature", "sig", "code", "context", "body", "message_body", "x_session_token",
    "handoff", "legacy_password", "new_password", "password1", "password2", "old_password",
]
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# A URL path segment that looks like a token: long, of token characters (signed values contain ":").
PATH_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_:.\-]{20,}(?=/|$|\?)")
# Query string values of the same shape (?token=…, ?code=…, ?state=…).
QUERY_TOKEN = re.compile(r"(?<=[?&=])[A-Za-z0-9_:.\-]{20,}")
# A log call's argument that is a token by itself (logger.info("link %s", token)).
BARE_TOKEN = re.compile(r"[A-Za-z0-9_:\-]{20,}")


def _mask(text: str) -> str:
    text = EMAIL.sub(FILTERED, text)
    text = PATH_TOKEN.sub(FILTERED, text)
    return QUERY_TOKEN.sub(FILTERED, text)


def _walk(value):
    if isinstance(value, str):
        return _mask(value)
    if isinstance(value, dict):
        return {key: _walk(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(item) for item in value]
    return value


def scrub(event, hint=None):
    """before_send / before_breadcrumb: mask emails and URL tokens in every string of the event."""
    request = event.get("request")
    if isinstance(request, dict):
        # Bodies, cookies and client addresses never go, whatever send_default_pii says.
        for field in ("data", "cookies", "env"):
            request.pop(field, None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict) and isinstance(logentry.get("params"), list | tuple):
        logentry["params"] = [
            FILTERED if isinstance(p, str) and BARE_TOKEN.fullmatch(p) else p for p in logentry["params"]
        ]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return _walk(event)


def sentry_init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float = 0.0,
                transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(),
        ],
        # send_default_pii stays at its default (off); it is deprecated for data_collection.
        event_scrubber=EventScrubber(
            denylist=DENYLIST, recursive=True, send_default_pii=False, pii_denylist=DEFAULT_PII_DENYLIST
        ),
        max_request_body_size="never",
        include_local_variables=True,
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
