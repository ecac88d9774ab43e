"""Shared by every flow: the refused-step error and formatting of dates and absolute URLs."""

from datetime import date

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
