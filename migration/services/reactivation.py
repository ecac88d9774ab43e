"""Re-activation: staff re-open legacy access for a moved account, with a reason."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import EventKind, LegacyAccount, ReactivationReason, State
from .common import MoveError
from .events import migration_event_record
from .state import legacy_account_lock, legacy_account_transition


def legacy_account_reactivate(
    *, account: LegacyAccount, actor, reason: str, category: str = ReactivationReason.OTHER
) -> None:
    """«Reaktiver i dagens nettbutikk»: staff re-open legacy access for a moved account, with a reason
    (free text, in the history) and its `category` (a `ReactivationReason`, counted on the dashboard)."""
    if category not in ReactivationReason.values:
        raise MoveError("category", _("Velg en årsak."))
    reason = (reason or "").strip()
    if not reason:
        raise MoveError("reason", _("Skriv en begrunnelse."))
    with transaction.atomic():
        account = legacy_account_lock(account.pk)
        if account.legacy_access and account.state != State.ACTIVATED:
            raise MoveError(
                "not_closed",
                _("%(username)s har allerede tilgang til dagens nettbutikk.")
                % {"username": account.username},
            )
        access = {"legacy_access": True, "is_active": True}
        event = {"kind": EventKind.REACTIVATED, "actor": actor, "detail": reason}
        if account.state == State.ACTIVATED:
            recorded = legacy_account_transition(account=account, to=State.REACTIVATED, values=access, **event)
            _set_reason(recorded, category)
            return
        # Access closed in another state (no state change): re-open it and record why.
        for name, value in access.items():
            setattr(account, name, value)
        account.save(update_fields=[*access, "updated_at"])
        _set_reason(migration_event_record(customer=account.customer, account=account, **event), category)


def _set_reason(event, category: str) -> None:
    event.reason = category
    event.save(update_fields=["reason"])
