"""Re-activation: staff re-open legacy access for a moved account, with a reason."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    EventKind,
    LegacyAccount,
    State,
)
from .common import MoveError
from .events import migration_event_record


def legacy_account_reactivate(*, account: LegacyAccount, actor, reason: str) -> None:
    """«Reaktiver i dagens nettbutikk»: staff re-open legacy access for a moved account, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise MoveError("reason", _("Skriv en begrunnelse."))
    with transaction.atomic():
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=account.pk)
        )
        if account.legacy_access and account.state != State.ACTIVATED:
            raise MoveError(
                "not_closed",
                _("%(username)s har allerede tilgang til dagens nettbutikk.")
                % {"username": account.username},
            )
        account.legacy_access = True
        account.is_active = True
        if account.state == State.ACTIVATED:
            account.state = State.REACTIVATED
        account.save(update_fields=["legacy_access", "is_active", "state", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.REACTIVATED,
            actor=actor,
            detail=reason,
        )
