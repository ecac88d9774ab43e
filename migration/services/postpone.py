"""Gate outcomes: «Utsett» and «Meld interesse»."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.email import email_enqueue

from ..models import CustomerMove, EventKind, LegacyAccount, MoveInterest, State
from .common import EmailKind, MoveError, _absolute, _fmt_date, email_key
from .events import migration_event_record
from .state import legacy_account_lock, legacy_account_transition


def legacy_account_postpone(*, account: LegacyAccount, now=None) -> None:
    """«Utsett»: allowed for a flagged customer until its deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        account = legacy_account_lock(account.pk)
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if move is None or not move.is_flagged:
            raise MoveError("not_flagged", _("Kundenummeret ditt er ikke klart for flytting ennå."))
        if move.is_past_deadline(now):
            raise MoveError(
                "past_deadline", _("Fristen for å flytte har gått ut, og flyttingen kan ikke utsettes.")
            )
        if account.state in LegacyAccount.SUBMITTED_OR_MOVED:
            return
        legacy_account_transition(
            account=account,
            to=State.POSTPONED,
            kind=EventKind.POSTPONED,
            values={"postponed_at": now},
            at=now,
            actor_label=account.username,
            detail=_("Frist %(deadline)s") % {"deadline": _fmt_date(move.deadline)},
        )


def move_interest_create(*, account: LegacyAccount, message: str = "") -> MoveInterest:
    """«Meld interesse»: record the request and email the customer's branch."""
    with transaction.atomic():
        account = LegacyAccount.objects.select_related("customer__branch").get(pk=account.pk)
        interest = MoveInterest.objects.create(
            customer=account.customer, account=account, message=message.strip()
        )
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.INTEREST,
            actor_label=account.username,
            detail=message.strip()[:500],
        )
        branch = account.customer.branch
        if branch.email:
            email_enqueue(
                key=email_key(EmailKind.INTEREST, interest.pk),
                kind=EmailKind.INTEREST,
                to=branch.email,
                reply_to=account.email,
                template="email/migration/interest",
                context={
                    "branch_name": branch.name,
                    "customer_number": account.customer.number,
                    "customer_name": account.customer.name,
                    "username": account.username,
                    "name": account.name,
                    "email": account.email,
                    "phone": account.phone,
                    "message": interest.message,
                    "admin_url": _absolute(
                        reverse("admin:accounts_customer_change", args=[account.customer_id])
                    ),
                },
            )
        return interest
