"""The history of a move: building and recording MigrationEvents (time, actor, kind, detail)."""

from django.utils import timezone

from ..models import MigrationEvent


def migration_event_build(
    *, customer, kind, account=None, actor=None, actor_label="", detail="", at=None
) -> MigrationEvent:
    """An unsaved event, for callers that write many at once (`bulk_create`)."""
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
    """Record one event that is not a state change (those are recorded by `services.state`)."""
    event = migration_event_build(
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
