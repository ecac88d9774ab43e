"""The move form: «Flytt meg til ny nettbutikk» creates (or finds) the new user."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership

from ..models import CustomerMove, EventKind, LegacyAccount, State
from ..selectors import user_awaiting_activation
from .activation import _activation_enqueue
from .common import MoveError
from .events import migration_event_record
from .state import legacy_account_lock, legacy_account_transition


@dataclass
class SubmitResult:
    account: LegacyAccount
    user: object
    outcome: str  # "created" | "linked" | "confirm_existing" | "already"


def legacy_account_submit_move(
    *, account: LegacyAccount, name: str, email: str, phone: str = "", now=None
) -> SubmitResult:
    """«Flytt meg til ny nettbutikk»: create (or find) the new user and send the activation email.

    - a new email: a pending user, inactive with an unusable password and no membership; the
      activation link proves the address, activates the user and adds the membership
      (Administrator for the main user, else Innkjøper);
    - the email of an existing user (same person): no second user; the membership is added only
      when the activation link proves the address;
    - a second legacy account with the same email on file: linked to the same user, no duplicate;
    - the email of another user of the same customer: refused;
    - submitted already (back button): nothing happens twice.
    """
    User = get_user_model()
    now = now or timezone.now()
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        account = legacy_account_lock(account.pk)
        if account.has_moved or (account.user_id and account.state == State.SUBMITTED):
            # A moved account whose new user staff deleted stays moved (staff re-activate it).
            return SubmitResult(account, account.user, "already")
        move = CustomerMove.objects.filter(customer=account.customer).first()
        if not account.is_active or move is None or not move.is_flagged:
            raise MoveError("not_flagged", _("Kundenummeret ditt er ikke klart for flytting ennå."))
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        outcome = "created"
        if existing is not None:
            if not existing.is_active and not user_awaiting_activation(existing):
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
            outcome = "confirm_existing" if user.has_usable_password() else "linked"
        else:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        email, None, name=name.strip(), phone=phone.strip(), is_active=False, date_joined=now
                    )
            except IntegrityError:
                # Another move form created this email a moment ago; submitting again links to it.
                raise MoveError(
                    "retry", _("Noe ble lagret samtidig. Trykk «Flytt meg til ny nettbutikk» igjen.")
                )
        legacy_account_transition(
            account=account,
            to=State.SUBMITTED,
            kind=EventKind.SUBMITTED,
            values={"user": user, "submitted_at": now},
            at=now,
            actor_label=account.username,
            detail=_("E-post %(email)s (%(outcome)s)") % {"email": email, "outcome": outcome},
        )
        event = migration_event_record(
            customer=account.customer,
            account=account,
            kind=EventKind.ACTIVATION_SENT,
            at=now,
            detail=email,
        )
        _activation_enqueue(user, account, event=event, existing_user=outcome == "confirm_existing")
        return SubmitResult(account, user, outcome)
