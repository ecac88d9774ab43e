"""Shared by every flow: the refused-step error and formatting of dates and absolute URLs."""

from datetime import date
from enum import StrEnum

from django.conf import settings


class MoveError(Exception):
    """A refused step, with a Norwegian message for the user; `code` for tests and views."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _fmt_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _absolute(path: str) -> str:
    return f"{settings.SHOP_URL}{path}"


class EmailKind(StrEnum):
    """The one spelling of the migration emails' kinds (`OutboundEmail.kind`).

    Idempotency keys are `email_key(kind, …)`: the kind and the ids of what the email belongs to (the
    event, or the account and move), never a random value, so the same step never sends twice.
    """

    INVITATION = "migration.invitation"
    ACTIVATION = "migration.activation"
    REMINDER = "migration.reminder"
    INTEREST = "migration.interest"
    LEGACY_RESET = "migration.legacy_reset"


def email_key(kind: EmailKind, *ids) -> str:
    return ":".join([str(kind), *(str(i) for i in ids)])
