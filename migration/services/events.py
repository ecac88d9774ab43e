"""The history of a move: building and recording MigrationEvents."""

from django.utils import timezone

from ..models import (
    MigrationEvent,
)


def _event(*, customer, kind, account=None, actor=None, actor_label="", detail="", at=None) -> MigrationEvent:
    return MigrationEvent(
        customer=customer,
        account=account,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label or (str(actor) if getattr(actor, "pk", None) else ""),
        detail=detail,
        at=at or timezone.now(),
    )


def migration_event_record(*, customer, kind, account=None, actor=None, actor_label="", detail="", at=None):
    event = _event(
        customer=customer,
        kind=kind,
        account=account,
        actor=actor,
        actor_label=actor_label,
        detail=detail,
        at=at,
    )
    event.save(force_insert=True)
    return event
