"""The move button's deadline: its bounds and the check."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .common import MoveError, _fmt_date


def deadline_bounds(today: date | None = None) -> tuple[date, date, date]:
    """(earliest, default, latest) deadline the move button accepts."""
    today = today or timezone.localdate()
    return (
        today + timedelta(days=settings.MIGRATION_DEADLINE_MIN_DAYS),
        today + timedelta(days=settings.MIGRATION_DEADLINE_DEFAULT_DAYS),
        today + timedelta(days=settings.MIGRATION_DEADLINE_MAX_DAYS),
    )


def _deadline_check(deadline: date, now) -> None:
    earliest, _default, latest = deadline_bounds(timezone.localdate(now))
    if not (earliest <= deadline <= latest):
        raise MoveError(
            "deadline",
            _("Fristen må være mellom %(min)s og %(max)s.")
            % {"min": _fmt_date(earliest), "max": _fmt_date(latest)},
        )
