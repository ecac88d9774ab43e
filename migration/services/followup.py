"""«Ringt»: staff phoned a legacy user from the call list; the note is an event."""

from django.db import transaction

from ..models import EventKind, MigrationEvent
from .events import migration_event_record
from .state import legacy_account_lock


def legacy_account_mark_called(*, account, actor, note: str) -> MigrationEvent:
    """Record the call (takes the row off «Oppfølging» for FOLLOWUP_CALLED_HIDE_DAYS days)."""
    with transaction.atomic():
        stored = legacy_account_lock(account.pk)
        return migration_event_record(
            customer=stored.customer, account=stored, kind=EventKind.CALLED, actor=actor, detail=note.strip()
        )
