"""«E-post i retur»: an email to a legacy user came back, and staff's correction of the address.

Modelled as a flag with an event, not as a state: a bounce can happen in any state (the invitation
while «Invitert», a reminder while «Utsatt», the activation email while «Skjema sendt»), and the move
itself goes on (the user can still log in at the gate and move). Making it a state would need a
way back to each of those states and would lose where the account was. The flag
(`email_bounced_at`, `email_bounce_reason`) takes the account out of `invitable()`, so invitations,
reminders and resends skip it; the activation email is not sent while it is set; the call list
shows it; the event keeps the reason and time in the history.

core knows nothing of this app: `core.bounces` sends `core.signals.email_bounced`, and
`migration.apps` connects `email_bounce_mark` to it.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import EventKind, LegacyAccount, MigrationEvent, State
from .common import EmailKind
from .events import migration_event_build


def email_bounce_mark(*, address: str, kind: str, reason: str, at=None) -> int:
    """Mark the legacy accounts that use `address` «E-post i retur»; returns how many were marked.

    An invitation or reminder went to the legacy account's email; an activation email to the new
    user's email (accounts waiting for activation with that user). Accounts already marked for the
    same bounce are left alone. Runs in the caller's transaction (the outbox row's).
    """
    at = at or timezone.now()
    match = Q(email__iexact=address)
    if kind == EmailKind.ACTIVATION:
        match |= Q(user__email__iexact=address, state=State.SUBMITTED)
    with transaction.atomic():
        accounts = list(
            LegacyAccount.objects.select_for_update(of=("self",))
            .filter(match, is_active=True, email_bounced_at__isnull=True)
            .exclude(state__in=LegacyAccount.MOVED)
            .select_related("customer")
            .order_by("pk")
        )
        if not accounts:
            return 0
        LegacyAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(
            email_bounced_at=at,
            email_bounce_reason=reason[:2000],
            email_bounced_to=address,
            updated_at=timezone.now()
        )
        MigrationEvent.objects.bulk_create(
            migration_event_build(
                customer=a.customer,
                account=a,
                kind=EventKind.EMAIL_BOUNCED,
                actor_label=_("E-postsystemet"),
                detail=f"{address}: {reason}"[:2000],
                at=at,
            )
            for a in accounts
        )
    return len(accounts)


def on_email_bounced(sender, *, email, reason, **kwargs) -> None:
    """Receiver of `core.signals.email_bounced` (connected in `migration.apps`)."""
    email_bounce_mark(address=email.to, kind=email.kind, reason=reason, at=email.bounced_at)
