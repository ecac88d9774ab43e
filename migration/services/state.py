"""The legacy account's state machine: the one place that changes `LegacyAccount.state`.

`LegacyAccount.TRANSITIONS` is the table of allowed changes. `legacy_accounts_transition` checks each
change against it, saves the new state (with the fields that travel with it) and records the
MigrationEvent (time, actor, detail) in the same transaction; anything else raises TransitionError
and changes nothing. Callers lock the rows first, with `legacy_account_lock`.
"""

from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone

from shop.caching import orders_changed

from ..models import EventKind, LegacyAccount, MigrationEvent
from .events import migration_event_build


class TransitionError(Exception):
    """A state change the table does not allow (a programming error, not a user's mistake)."""

    def __init__(self, account: LegacyAccount, to: str):
        allowed = ", ".join(sorted(LegacyAccount.TRANSITIONS[account.state])) or "none"
        super().__init__(
            f"legacy account {account.pk} ({account.username}): {account.state} → {to} is not an "
            f"allowed transition (allowed from {account.state}: {allowed})"
        )
        self.account = account
        self.source = account.state
        self.target = to


def legacy_account_lock(pk: int, *related: str) -> LegacyAccount:
    """Lock one legacy account row and read it again (inside the caller's transaction).

    Only the account row is locked (`of=("self",)`), so the related rows read with it stay free.
    Raises LegacyAccount.DoesNotExist if it is gone.
    """
    return (
        LegacyAccount.objects.select_for_update(of=("self",))
        .select_related(*(related or ("customer",)))
        .get(pk=pk)
    )


def legacy_accounts_transition(
    *,
    accounts: Sequence[LegacyAccount],
    to: str,
    kind: EventKind,
    actor=None,
    actor_label: str = "",
    detail: str | Callable[[LegacyAccount], str] = "",
    values: dict | None = None,
    at=None,
) -> list[MigrationEvent]:
    """Move each of `accounts` (locked by the caller) to state `to` and record one `kind` event each.

    `values` are the fields that change with the state (e.g. `{"submitted_at": now}`); `detail` is the
    event's text, or a function of the account. One account is saved with `update_fields`; several
    (the move button) in one UPDATE, since they all get the same values. Refuses the whole call with
    TransitionError if any account may not make the change. Returns the events, saved.
    """
    if not accounts:
        return []
    refused = next((a for a in accounts if not a.may_become(to)), None)
    if refused is not None:
        raise TransitionError(refused, to)
    at = at or timezone.now()
    values = dict(values or {})
    fields = ["state", *values, "updated_at"]
    with transaction.atomic():
        for account in accounts:
            account.state = to
            for name, value in values.items():
                setattr(account, name, value)
        if len(accounts) == 1:
            accounts[0].save(update_fields=fields)
        else:
            LegacyAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(
                state=to, updated_at=timezone.now(), **values
            )
            if "user" in values:  # «Bestilt av» in «Mine ordre» finds legacy orders by the account's user
                orders_changed({a.customer_id for a in accounts})
        events = [
            migration_event_build(
                customer=account.customer,
                account=account,
                kind=kind,
                actor=actor,
                actor_label=actor_label,
                detail=detail(account) if callable(detail) else detail,
                at=at,
            )
            for account in accounts
        ]
        return MigrationEvent.objects.bulk_create(events)


def legacy_account_transition(*, account: LegacyAccount, to: str, kind: EventKind, **options) -> MigrationEvent:
    """`legacy_accounts_transition` for one account; returns its event."""
    return legacy_accounts_transition(accounts=[account], to=to, kind=kind, **options)[0]
