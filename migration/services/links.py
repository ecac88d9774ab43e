"""The migration flow's links, as `core.links` declares them (kinds "move_form", "legacy_reset",
"activation"): purpose, lifetime and what kills each live there, not here.

Emails store references (`*_link`), signed when the email is sent; views read tokens (`*_read`).
The `*_token` functions sign one directly (tests, and nothing else).
"""

from datetime import date

from core.links import LinkError, link_read, link_ref, link_sign

from ..models import LegacyAccount


def invitation_token(account: LegacyAccount, deadline: date) -> str:
    return link_sign("move_form", account, d=deadline.isoformat())


def move_form_link(account: LegacyAccount, deadline: date) -> dict:
    """The personal move-form link of the invitation and reminders, valid through `deadline`."""
    return link_ref("move_form", account, deadline=deadline.isoformat())


def invitation_read(token: str, *, now=None) -> LegacyAccount | None:
    """The legacy account of a personal move-form link: genuine, before its deadline, and the email
    on file and the account's progress as they were when it was sent."""
    try:
        account = link_read("move_form", token, now=now)
    except LinkError:
        return None
    return account if account.is_active else None


def activation_link(user) -> dict:
    return link_ref("activation", user)


def legacy_reset_token(account: LegacyAccount) -> str:
    return link_sign("legacy_reset", account)


def legacy_reset_link(account: LegacyAccount) -> dict:
    return link_ref("legacy_reset", account)


def legacy_reset_read(token: str) -> LegacyAccount | None:
    """The account of a legacy «Glemt passord?» link; dead once a password is set with it."""
    try:
        account = link_read("legacy_reset", token)
    except LinkError:
        return None
    return account if account.is_active else None
