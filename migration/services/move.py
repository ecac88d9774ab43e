"""The move button and the wave: flag customers, invite their legacy users, resend invitations."""

from dataclasses import dataclass, field
from datetime import date

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer
from core.email import email_enqueue, email_enqueue_many, outbox_batch

from ..models import CustomerMove, EventKind, LegacyAccount, MigrationEvent, State
from .common import EmailKind, _absolute, _fmt_date, email_key
from .deadline import _deadline_check
from .events import migration_event_build, migration_event_record
from .links import move_form_link
from .state import legacy_account_lock, legacy_account_transition, legacy_accounts_transition

# The wave's Celery task, by name: migration.tasks imports this module, so this module does not
# import it back (arrows run tasks → services). A signature by name still honours eager mode, as
# migration.apps registers the task at start-up.
FLAG_CUSTOMERS_TASK = "migration.tasks.flag_customers"


@dataclass
class FlagResult:
    customer: Customer
    newly_flagged: bool
    deadline: date | None
    invited: list = field(default_factory=list)
    without_email: list = field(default_factory=list)


def _invitation(account: LegacyAccount, move: CustomerMove, *, key: str) -> dict:
    """The invitation email's arguments for `email_enqueue` / `email_enqueue_many`."""
    return {
        "key": key,
        "kind": EmailKind.INVITATION,
        "to": account.email,
        "template": "email/migration/invitation",
        "context": {
            **_move_email_context(account, move),
            "customer_name": account.customer.name,
            "branch_name": account.customer.branch.name,
            "branch_phone": account.customer.branch.phone,
        },
    }


def _invitation_enqueue(account: LegacyAccount, move: CustomerMove, *, key: str) -> None:
    email_enqueue(**_invitation(account, move, key=key))


def _move_email_context(account: LegacyAccount, move: CustomerMove) -> dict:
    """What the invitation and the reminders both tell: who, which number, by when, and the links."""
    return {
        "name": account.name,
        "username": account.username,
        "customer_number": account.customer.number,
        "deadline": _fmt_date(move.deadline),
        "gate_url": _absolute(reverse("migration:gate")),
        # Signed when the email is sent (core.links): no live link in the outbox.
        "links": {"move_url": move_form_link(account, move.deadline)},
    }


def customer_flag_for_move(*, customer: Customer, deadline: date, actor=None, now=None) -> FlagResult:
    """The move button: flag the customer and invite each of its legacy users with an email.

    Pressing it again (even concurrently) changes nothing and sends nothing: the customer row is
    locked, a flagged customer stays as it was, and each invitation has its own idempotency key.
    """
    results = customers_flag_for_move(customers=[customer], deadline=deadline, actor=actor, now=now)
    if not results:
        raise Customer.DoesNotExist(f"customer {customer.pk}")
    return results[0]


def customers_flag_for_move(*, customers, deadline: date, actor=None, now=None) -> list[FlagResult]:
    """The move button for several customers in one transaction (one customer, or a wave's chunk).

    The customer rows are locked (in primary-key order, so two overlapping presses cannot deadlock)
    and then their legacy accounts; a customer flagged already is left as it was. For the others:
    the move (deadline, who, when), one «Kunden flyttet» event, and per active legacy user in state
    «Importert» the invitation (outbox row, idempotency key per account and move), the state
    «Invitert» and its event; users without email get the event «no invitation sent». The writes
    are set-based (a handful of queries for 100 customers), and all of it commits or none of it.
    An out-of-bounds deadline raises MoveError when there is a customer to flag (nothing changes).
    """
    now = now or timezone.now()
    pks = [c.pk for c in customers]
    with transaction.atomic():
        locked = list(
            Customer.objects.select_for_update(of=("self",))
            .select_related("branch")
            .filter(pk__in=pks)
            .order_by("pk")
        )
        moves = {m.customer_id: m for m in CustomerMove.objects.filter(customer__in=pks)}
        missing = [CustomerMove(customer=c) for c in locked if c.pk not in moves]
        if missing:
            CustomerMove.objects.bulk_create(missing, ignore_conflicts=True)
            moves = {m.customer_id: m for m in CustomerMove.objects.filter(customer__in=pks)}
        accounts_of: dict[int, list[LegacyAccount]] = {c.pk: [] for c in locked}
        for account in (
            LegacyAccount.objects.filter(customer__in=pks).select_for_update().order_by("username")
        ):
            accounts_of[account.customer_id].append(account)
        results, flagged, events, invitations, to_invite = [], [], [], [], []
        for customer in locked:
            move, accounts = moves[customer.pk], accounts_of[customer.pk]
            for account in accounts:
                account.customer = customer
            without_email = [a for a in accounts if a.is_active and not a.email]
            if move.is_flagged:
                results.append(FlagResult(customer, False, move.deadline, [], without_email))
                continue
            _deadline_check(deadline, now)
            move.flagged_at = now
            move.flagged_by = actor if getattr(actor, "pk", None) else None
            move.deadline = deadline
            flagged.append(move)
            events.append(
                migration_event_build(
                    customer=customer,
                    kind=EventKind.FLAGGED,
                    actor=actor,
                    at=now,
                    detail=_("Frist %(deadline)s") % {"deadline": _fmt_date(deadline)},
                )
            )
            invited = []
            for account in accounts:
                if account.state != State.IMPORTED or not account.is_active:
                    continue
                if account.is_invitable:
                    key = email_key(EmailKind.INVITATION, account.pk, move.pk)
                    invitations.append(_invitation(account, move, key=key))
                    invited.append(account)
                to_invite.append(account)
            results.append(FlagResult(customer, True, deadline, invited, without_email))
        if flagged:
            CustomerMove.objects.bulk_update(flagged, ["flagged_at", "flagged_by", "deadline"])
            email_enqueue_many(invitations)
            MigrationEvent.objects.bulk_create(events)
            legacy_accounts_transition(
                accounts=to_invite,
                to=State.INVITED,
                kind=EventKind.INVITED,
                actor=actor,
                at=now,
                detail=lambda a: a.email or _("Ingen e-post i dagens nettbutikk: ingen invitasjon sendt."),
            )
        return results


@dataclass
class WavePlan:
    """What the move button will do for a selection of customers (counted before the work is queued)."""

    selected: int
    to_flag: list  # customer pks, by number
    invitations: int  # legacy users who will get an invitation
    without_email: int  # active legacy users of those customers who will not (no email on file)
    tasks: int

    @property
    def already(self) -> int:
        return self.selected - len(self.to_flag)


def customers_flag_wave(*, customers, deadline: date, actor=None, now=None) -> WavePlan:
    """The move button for a wave of customers (the admin action, `flag_customers`): queue the work.

    Checks the deadline now (MoveError, nothing queued), counts what will happen, then queues one
    Celery task per `MIGRATION_FLAG_CHUNK` customers, after commit. Each task runs
    `customers_flag_for_move` (the move button's own service) with the time of the press as `now`
    (deadline bounds, "flagged at" and the events are those of the press), so every guarantee holds:
    pressing again, or twice at once, flags nothing twice and sends one invitation per legacy user.
    Without a broker (eager Celery) the tasks run inline.
    """
    now = now or timezone.now()
    _deadline_check(deadline, now)
    selected = customers.count()
    not_flagged = customers.filter(Q(move__isnull=True) | Q(move__flagged_at__isnull=True))
    to_flag = list(not_flagged.order_by("number").values_list("pk", flat=True))
    accounts = LegacyAccount.objects.filter(customer__in=not_flagged.values("pk"))
    invitations = accounts.invitable().filter(state=State.IMPORTED).count()
    without_email = accounts.without_email().count()
    size = max(1, settings.MIGRATION_FLAG_CHUNK)
    chunks = [to_flag[i : i + size] for i in range(0, len(to_flag), size)]
    if chunks:
        actor_pk = actor.pk if getattr(actor, "pk", None) else None
        args = [(chunk, deadline.isoformat(), actor_pk, now.isoformat()) for chunk in chunks]
        transaction.on_commit(lambda: [signature(FLAG_CUSTOMERS_TASK, args=a).delay() for a in args])
    return WavePlan(selected, to_flag, invitations, without_email, len(chunks))


def customers_flag_chunk(*, customer_ids: list, deadline: date, actor=None, now=None) -> int:
    """One queued part of a wave, in one transaction; returns how many customers were newly flagged.

    The invitations go out in outbox batches (several per task, see core.email.outbox_batch).
    """
    with outbox_batch():
        results = customers_flag_for_move(
            customers=Customer.objects.filter(pk__in=customer_ids), deadline=deadline, actor=actor, now=now
        )
    return sum(r.newly_flagged for r in results)


def legacy_account_resend_invitation(*, account: LegacyAccount, actor=None) -> bool:
    """«Send invitasjon på nytt»: one more invitation for one legacy account (each press is one event)."""
    with transaction.atomic():
        account = legacy_account_lock(account.pk, "customer__branch")
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if move is None or not move.is_flagged or not account.is_invitable or account.has_moved:
            return False
        options = {"kind": EventKind.INVITATION_RESENT, "actor": actor, "detail": account.email}
        if account.state == State.IMPORTED:
            event = legacy_account_transition(account=account, to=State.INVITED, **options)
        else:
            event = migration_event_record(customer=account.customer, account=account, **options)
        _invitation_enqueue(account, move, key=email_key(EmailKind.INVITATION, "resend", event.pk))
        return True
