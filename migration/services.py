"""Every write of the migration flow. Admin actions, commands, tasks and views call these.

Each service owns its transaction, locks the rows it changes, writes a MigrationEvent for every state
change of a legacy account, and enqueues its emails through the outbox inside the transaction (sent
after commit, once per idempotency key).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Customer, Membership, Role
from accounts.tokens import make_token
from core.email import email_enqueue, email_enqueue_many, outbox_batch
from core.models import OutboundEmail

from .hashers import legacy_check_password
from .models import (
    CustomerMove,
    EventKind,
    LegacyAccount,
    MigrationEvent,
    MoveInterest,
    PendingLegacyHash,
    State,
)

INVITATION_SALT = "migration.invitation"
RESET_SALT = "migration.legacy-reset"


class MoveError(Exception):
    """A refused step, with a Norwegian message for the user; `code` for tests and views."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _fmt_date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _absolute(path: str) -> str:
    return f"{settings.SHOP_URL}{path}"


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
        customer=customer, kind=kind, account=account, actor=actor, actor_label=actor_label, detail=detail, at=at
    )
    event.save(force_insert=True)
    return event


# --- Deadline ----------------------------------------------------------------------------------------


def deadline_bounds(today: date | None = None) -> tuple[date, date, date]:
    """(earliest, default, latest) deadline the move button accepts."""
    today = today or timezone.localdate()
    return (
        today + timedelta(days=settings.MIGRATION_DEADLINE_MIN_DAYS),
        today + timedelta(days=settings.MIGRATION_DEADLINE_DEFAULT_DAYS),
        today + timedelta(days=settings.MIGRATION_DEADLINE_MAX_DAYS),
    )


# --- Links -------------------------------------------------------------------------------------------


def invitation_token(account: LegacyAccount, deadline: date) -> str:
    return signing.dumps({"a": account.pk, "d": deadline.isoformat()}, salt=INVITATION_SALT)


def invitation_read(token: str, *, now=None) -> LegacyAccount | None:
    """The legacy account of a personal move-form link, if the link is genuine and before its deadline."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        deadline = date.fromisoformat(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if timezone.localdate(now or timezone.now()) > deadline:
        return None
    return LegacyAccount.objects.filter(pk=data["a"], is_active=True).select_related("customer").first()


def activation_url(user) -> str:
    return _absolute(reverse("migration:activate", args=[make_token(user, "activation")]))


# --- Move button -------------------------------------------------------------------------------------


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
        "kind": "migration_invitation",
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
        "move_url": _absolute(reverse("migration:invitation", args=[invitation_token(account, move.deadline)])),
        "gate_url": _absolute(reverse("migration:gate")),
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
        for account in LegacyAccount.objects.filter(customer__in=pks).select_for_update().order_by("username"):
            accounts_of[account.customer_id].append(account)
        results, flagged, events, invitations, invited_pks = [], [], [], [], []
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
                _event(
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
                if account.email:
                    key = f"migration-invitation:{account.pk}:{move.pk}"
                    invitations.append(_invitation(account, move, key=key))
                    invited.append(account)
                    detail = account.email
                else:
                    detail = _("Ingen e-post i dagens nettbutikk: ingen invitasjon sendt.")
                account.state = State.INVITED
                invited_pks.append(account.pk)
                events.append(
                    _event(customer=customer, account=account, kind=EventKind.INVITED, actor=actor, at=now, detail=detail)
                )
            results.append(FlagResult(customer, True, deadline, invited, without_email))
        if flagged:
            CustomerMove.objects.bulk_update(flagged, ["flagged_at", "flagged_by", "deadline"])
            email_enqueue_many(invitations)
            LegacyAccount.objects.filter(pk__in=invited_pks).update(state=State.INVITED, updated_at=timezone.now())
            MigrationEvent.objects.bulk_create(events)
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


def _deadline_check(deadline: date, now) -> None:
    earliest, _default, latest = deadline_bounds(timezone.localdate(now))
    if not (earliest <= deadline <= latest):
        raise MoveError(
            "deadline",
            _("Fristen må være mellom %(min)s og %(max)s.")
            % {"min": _fmt_date(earliest), "max": _fmt_date(latest)},
        )


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
    counts = LegacyAccount.objects.filter(customer__in=not_flagged.values("pk"), is_active=True).aggregate(
        invitations=Count("pk", filter=~Q(email="") & Q(state=State.IMPORTED)),
        without_email=Count("pk", filter=Q(email="")),
    )
    size = max(1, settings.MIGRATION_FLAG_CHUNK)
    chunks = [to_flag[i : i + size] for i in range(0, len(to_flag), size)]
    if chunks:
        from .tasks import flag_customers

        actor_pk = actor.pk if getattr(actor, "pk", None) else None
        args = [(chunk, deadline.isoformat(), actor_pk, now.isoformat()) for chunk in chunks]
        transaction.on_commit(lambda: [flag_customers.delay(*a) for a in args])
    return WavePlan(selected, to_flag, counts["invitations"], counts["without_email"], len(chunks))


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
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .select_related("customer__branch")
            .get(pk=account.pk)
        )
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if (
            move is None
            or not move.is_flagged
            or not account.email
            or not account.is_active
            or account.has_moved
        ):
            return False
        event = migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.INVITATION_RESENT,
            actor=actor,
            detail=account.email,
        )
        _invitation_enqueue(account, move, key=f"migration-invitation-resend:{account.pk}:{event.pk}")
        if account.state == State.IMPORTED:
            account.state = State.INVITED
            account.save(update_fields=["state", "updated_at"])
        return True


# --- Legacy gate -------------------------------------------------------------------------------------


def legacy_account_authenticate(*, username: str, password: str) -> LegacyAccount | None:
    """The old shop's login: the legacy account if username and password match and it may log in."""
    account = LegacyAccount.objects.by_username(username).select_related("customer").first()
    if account is None:
        legacy_check_password(password, "")  # same work as a wrong password
        return None
    pending = PendingLegacyHash.objects.filter(account=account).first()
    ok = legacy_check_password(
        password, account.password, pending_legacy=pending.legacy_hash if pending else ""
    )
    if not ok or not account.is_active:
        return None
    return account


def legacy_reset_token(account: LegacyAccount) -> str:
    return signing.dumps({"a": account.pk, "p": account.password[-16:]}, salt=RESET_SALT)


def legacy_reset_read(token: str) -> LegacyAccount | None:
    try:
        data = signing.loads(token, salt=RESET_SALT, max_age=settings.LEGACY_RESET_MAX_AGE)
    except signing.BadSignature:
        return None
    account = LegacyAccount.objects.filter(pk=data.get("a"), is_active=True).first()
    if account is None or account.password[-16:] != data.get("p"):
        return None
    return account


def legacy_account_request_reset(*, username: str) -> None:
    """«Glemt passord?» by legacy username: a reset link to the email on file, if there is one.

    Says nothing about whether the username exists (the view answers the same in every case).
    """
    account = LegacyAccount.objects.by_username(username).select_related("customer").first()
    if account is None or not account.is_active or not account.email:
        return
    with transaction.atomic():
        event = migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.LEGACY_PASSWORD_RESET,
            detail=_("Lenke sendt til %(email)s") % {"email": account.email},
        )
        email_enqueue(
            key=f"migration-legacy-reset:{account.pk}:{event.pk}",
            kind="migration_legacy_reset",
            to=account.email,
            template="email/migration/legacy_reset",
            context={
                "name": account.name,
                "username": account.username,
                "customer_number": account.customer.number,
                "reset_url": _absolute(
                    reverse("migration:legacy_reset_confirm", args=[legacy_reset_token(account)])
                ),
                "hours": settings.LEGACY_RESET_MAX_AGE // 3600,
            },
        )


def legacy_account_set_password(*, account: LegacyAccount, password: str) -> bool:
    """A new legacy password from «Glemt passord?», stored with a strong hasher.

    `account` is the one the reset link was read for. The link is bound to the stored hash, so it is
    re-checked with the row locked: of two concurrent submits of one link only the first sets a
    password; the second gets False (the link is used).
    """
    from django.contrib.auth.hashers import make_password

    with transaction.atomic():
        read_hash = account.password
        account = LegacyAccount.objects.select_for_update().get(pk=account.pk)
        if account.password != read_hash or not account.is_active:
            return False
        account.password = make_password(password, hasher="argon2")
        account.save(update_fields=["password", "updated_at"])
        PendingLegacyHash.objects.filter(account=account).delete()
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.LEGACY_PASSWORD_RESET,
            actor_label=account.username,
            detail=_("Nytt passord satt"),
        )
    return True


# --- Gate outcomes: postpone, interest ---------------------------------------------------------------


def legacy_account_postpone(*, account: LegacyAccount, now=None) -> None:
    """«Utsett»: allowed for a flagged customer until its deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=account.pk)
        )
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if move is None or not move.is_flagged:
            raise MoveError("not_flagged", _("Kundenummeret ditt er ikke klart for flytting ennå."))
        if move.is_past_deadline(now):
            raise MoveError(
                "past_deadline", _("Fristen for å flytte har gått ut, og flyttingen kan ikke utsettes.")
            )
        if account.state in (State.SUBMITTED, State.ACTIVATED, State.REACTIVATED):
            return
        account.state = State.POSTPONED
        account.postponed_at = now
        account.save(update_fields=["state", "postponed_at", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.POSTPONED,
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
                key=f"migration-interest:{interest.pk}",
                kind="migration_interest",
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


# --- Move form ---------------------------------------------------------------------------------------


@dataclass
class SubmitResult:
    account: LegacyAccount
    user: object
    outcome: str  # "created" | "linked" | "confirm_existing" | "already"


def _role_for(account: LegacyAccount) -> str:
    return Role.ADMINISTRATOR if account.is_main_user else Role.BUYER


def _membership_ensure(user, account: LegacyAccount) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, customer=account.customer, defaults={"role": _role_for(account)}
    )
    if (
        not created
        and account.is_main_user
        and membership.role != Role.ADMINISTRATOR
        and membership.is_active
    ):
        membership.role = Role.ADMINISTRATOR
        membership.save(update_fields=["role"])
    return membership


def _activation_enqueue(user, account: LegacyAccount, *, key: str, existing_user: bool) -> None:
    email_enqueue(
        key=key,
        kind="migration_activation",
        to=user.email,
        template="email/migration/activation",
        context={
            "name": user.name or account.name,
            "username": account.username,
            "customer_number": account.customer.number,
            "customer_name": account.customer.name,
            "email": user.email,
            "activation_url": activation_url(user),
            "days": settings.ACTIVATION_TIMEOUT_DAYS,
            "existing_user": existing_user,
        },
    )


def legacy_account_submit_move(
    *, account: LegacyAccount, name: str, email: str, phone: str = "", now=None
) -> SubmitResult:
    """«Flytt meg til ny nettbutikk»: create (or find) the new user and send the activation email.

    - a new email: a pending user (unusable password) with the membership (Administrator for the main
      user, else Innkjøper);
    - the email of a user of another customer (same person): no second user; the membership is added
      when the activation link proves the address;
    - a second legacy account with the same email on file: linked to the same user, no duplicate;
    - the email of another user of the same customer: refused;
    - submitted already (back button): nothing happens twice.
    """
    User = get_user_model()
    now = now or timezone.now()
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .select_related("customer")
            .get(pk=account.pk)
        )
        if account.user_id and account.state in (State.SUBMITTED, State.ACTIVATED, State.REACTIVATED):
            return SubmitResult(account, account.user, "already")
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if not account.is_active or move is None or not move.is_flagged:
            raise MoveError("not_flagged", _("Kundenummeret ditt er ikke klart for flytting ennå."))
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        outcome = "created"
        if existing is not None:
            if not existing.is_active:
                raise MoveError(
                    "deactivated",
                    _("Denne e-postadressen kan ikke brukes i den nye nettbutikken. Kontakt avdelingen din."),
                )
            same_person = (account.email or "").lower() == email
            member_here = Membership.objects.filter(user=existing, customer=account.customer).exists()
            if member_here and not same_person:
                raise MoveError(
                    "email_taken",
                    _(
                        "E-postadressen %(email)s brukes allerede av en annen bruker hos %(customer)s. "
                        "Hver bruker trenger sin egen e-postadresse: bruk din egen, for eksempel "
                        "fornavn.etternavn@firma.no."
                    )
                    % {"email": email, "customer": account.customer.name},
                )
            user = existing
            if user.has_usable_password():
                outcome = "confirm_existing"
            else:
                outcome = "linked"
                _membership_ensure(user, account)
        else:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email, None, name=name.strip(), phone=phone.strip())
            except IntegrityError:
                # Another move form created this email a moment ago; submitting again links to it.
                raise MoveError(
                    "retry", _("Noe ble lagret samtidig. Trykk «Flytt meg til ny nettbutikk» igjen.")
                )
            _membership_ensure(user, account)
        account.user = user
        account.state = State.SUBMITTED
        account.submitted_at = now
        account.save(update_fields=["user", "state", "submitted_at", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.SUBMITTED,
            at=now,
            actor_label=account.username,
            detail=_("E-post %(email)s (%(outcome)s)") % {"email": email, "outcome": outcome},
        )
        _activation_enqueue(
            user,
            account,
            key=f"migration-activation:{account.pk}:{int(now.timestamp())}",
            existing_user=outcome == "confirm_existing",
        )
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATION_SENT,
            at=now,
            detail=email,
        )
        return SubmitResult(account, user, outcome)


# --- Activation --------------------------------------------------------------------------------------


def legacy_account_activate(*, user, now=None) -> list[LegacyAccount]:
    """The activation link was used: every submitted legacy account of `user` is now moved.

    Call inside the transaction that consumed the token (user row locked). Adds the memberships (for a
    user of another customer this is the moment the email is proven), closes legacy access, records
    events. Returns the accounts activated (empty if there were none).
    """
    now = now or timezone.now()
    activated = []
    accounts = (
        LegacyAccount.objects.select_for_update(of=("self",))
        .filter(user=user, state=State.SUBMITTED)
        .select_related("customer")
        .order_by("-is_main_user", "pk")
    )
    for account in accounts:
        _membership_ensure(user, account)
        account.state = State.ACTIVATED
        account.activated_at = now
        account.legacy_access = False
        account.save(update_fields=["state", "activated_at", "legacy_access", "updated_at"])
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATED,
            actor=user,
            at=now,
            detail=_("Ny bruker %(email)s; tilgang til dagens nettbutikk stengt") % {"email": user.email},
        )
        activated.append(account)
    return activated


def user_awaiting_activation(user) -> bool:
    return user.is_active and LegacyAccount.objects.filter(user=user, state=State.SUBMITTED).exists()


def activation_request(*, email: str) -> None:
    """«Aktiver»: a fresh activation link if this email waits for activation; silent otherwise."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=User.objects.normalize_email(email), is_active=True).first()
    if user is None:
        return
    with transaction.atomic():
        account = (
            LegacyAccount.objects.select_for_update(of=("self",))
            .filter(user=user, state=State.SUBMITTED)
            .select_related("customer")
            .order_by("pk")
            .first()
        )
        if account is None:
            return
        _activation_enqueue(
            user,
            account,
            key=f"migration-activation-request:{user.pk}:{uuid.uuid4().hex}",
            existing_user=user.has_usable_password(),
        )
        migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATION_SENT,
            actor_label=user.email,
            detail=_("Ny aktiveringslenke bestilt («Aktiver»)"),
        )


# --- Re-activation -----------------------------------------------------------------------------------


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


# --- Reminders ---------------------------------------------------------------------------------------


def reminders_send(*, now=None) -> int:
    """Remind legacy users who have not moved, 7 and 1 days before the deadline; once per threshold.

    Safe to run any number of times (hourly from beat): each (account, move, threshold) has one
    idempotency key and the account row is locked while deciding.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    thresholds = sorted(settings.MIGRATION_REMINDER_DAYS)
    horizon = today + timedelta(days=max(thresholds))
    candidates = list(
        LegacyAccount.objects.not_moved()
        .exclude(email="")
        .filter(
            customer__move__flagged_at__isnull=False,
            customer__move__deadline__gte=today,
            customer__move__deadline__lte=horizon,
        )
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in candidates:
        with transaction.atomic():
            account = (
                LegacyAccount.objects.select_for_update(of=("self",))
                .select_related("customer__branch", "customer__move")
                .filter(pk=pk)
                .first()
            )
            if account is None or account.state not in (State.INVITED, State.POSTPONED) or not account.email:
                continue
            move = account.customer.move
            days_left = (move.deadline - today).days
            threshold = next((t for t in thresholds if days_left <= t), None)
            if threshold is None:
                continue
            key = f"migration-reminder:{account.pk}:{move.pk}:{threshold}"
            if OutboundEmail.objects.filter(idempotency_key=key).exists():
                continue
            email_enqueue(
                key=key,
                kind="migration_reminder",
                to=account.email,
                template="email/migration/reminder",
                context={**_move_email_context(account, move), "days_left": days_left},
            )
            migration_event_record(
                customer=account.customer,
                account=account,
                kind=EventKind.REMINDED,
                at=now,
                detail=_("%(days)s dager før fristen") % {"days": threshold},
            )
            sent += 1
    return sent
