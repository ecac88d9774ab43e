"""The migration flow's signed links, declared once (purpose, lifetime, what kills each) and registered
with `core.links` at start-up (`MigrationConfig.ready()`): core names no app, so the kinds that name
a legacy account live here, beside the models they are bound to.

Services build references (`migration.services.links`), the render path signs them when the email
is sent, and views read tokens through `core.links.link_read`.
"""

from core.links import LinkKind, days_setting, link_kinds_register, seconds_setting, user_state

from .models import State

# Legacy states in which the account has not moved yet; the move-form link lives through them.
_NOT_MOVED = (State.IMPORTED, State.INVITED, State.POSTPONED)


def _legacy_reset_state(account) -> str:
    """The stored legacy hash, the email on file (where the link went) and the active flag."""
    return f"{account.pk}|{account.password}|{(account.email or '').lower()}|{account.is_active}"


def _move_form_state(account) -> str:
    """The email on file and whether the account still has to move: a staff correction of the
    email, a shut-out, or the move form sent (or the account moved) revokes the link. Postponing
    does not: the invitation is still the way to move."""
    phase = "open" if account.state in _NOT_MOVED else account.state
    return f"{account.pk}|{(account.email or '').lower()}|{account.is_active}|{phase}"


def _legacy_session_state(account) -> str:
    """The stored legacy hash and whether the account may still use the gate: a new legacy password,
    a shut-out, the account moved (legacy access closed) or re-activated ends every gate session.
    The move button, «Utsett» and the move form do not: in those states the session can change
    nothing that matters (a second move form is refused as "already sent")."""
    phase = "open" if account.state in (*_NOT_MOVED, State.SUBMITTED) else account.state
    return f"{account.pk}|{account.password}|{phase}|{account.is_active}|{account.legacy_access}"


KINDS = (
    # The move form's activation email: proves the address, sets the password (ACTIVATION_TIMEOUT_DAYS).
    LinkKind(
        name="activation",
        salt="accounts.activation",
        fingerprint_salt="accounts.tokens.activation",
        id_key="u",
        model="accounts.User",
        state=user_state,
        lifetime=days_setting("ACTIVATION_TIMEOUT_DAYS"),
        url_name="migration:activate",
    ),
    # The move invitation and reminders: straight to the move form, through the deadline day.
    LinkKind(
        name="move_form",
        salt="migration.invitation",
        id_key="a",
        model="migration.LegacyAccount",
        state=_move_form_state,
        lifetime=lambda: None,
        url_name="migration:invitation",
    ),
    # «Glemt passord?» at the legacy gate (LEGACY_RESET_MAX_AGE).
    LinkKind(
        name="legacy_reset",
        salt="migration.legacy-reset",
        id_key="a",
        model="migration.LegacyAccount",
        state=_legacy_reset_state,
        lifetime=seconds_setting("LEGACY_RESET_MAX_AGE"),
        url_name="migration:legacy_reset_confirm",
    ),
    # Not a link: the gate's session holds this token (LEGACY_SESSION_MAX_AGE), so the session is
    # bound to the stored legacy hash and the account's state exactly as a link is.
    LinkKind(
        name="legacy_session",
        salt="migration.legacy-session",
        id_key="a",
        model="migration.LegacyAccount",
        state=_legacy_session_state,
        lifetime=seconds_setting("LEGACY_SESSION_MAX_AGE"),
    ),
)

link_kinds_register(*KINDS)
