"""Every write of the migration flow. Admin actions, commands, tasks and views call these.

Each service owns its transaction, locks the rows it changes, writes a MigrationEvent for every state
change of a legacy account, and enqueues its emails through the outbox inside the transaction (sent
after commit, once per idempotency key).

One module per flow (see migration/README.md); this package re-exports the public names, so callers
import from `migration.services`.
"""

from .activation import (
    ActivationRefused,
    activation_request,
    legacy_account_activate,
    legacy_account_activate_by_link,
)
from .bounce import email_bounce_mark
from .common import EmailKind, MoveError, email_key
from .deadline import deadline_bounds
from .events import migration_event_build, migration_event_record
from .followup import legacy_account_mark_called
from .gate import legacy_account_authenticate, legacy_account_request_reset, legacy_account_set_password
from .history import (
    FAVOURITES_LIST_NAME,
    customer_history_counts,
    legacy_favourites_carry_over,
    legacy_order_lines_to_cart_items,
)
from .links import (
    activation_link,
    invitation_read,
    invitation_token,
    legacy_reset_link,
    legacy_reset_read,
    legacy_reset_token,
    move_form_link,
)
from .move import (
    FlagResult,
    WavePlan,
    customer_flag_for_move,
    customers_flag_chunk,
    customers_flag_for_move,
    customers_flag_wave,
    legacy_account_resend_invitation,
)
from .move_form import SubmitResult, legacy_account_submit_move
from .postpone import legacy_account_postpone, move_interest_create
from .reactivation import legacy_account_reactivate
from .reminders import reminders_send
from .staff_edit import legacy_account_edit
from .state import (
    TransitionError,
    legacy_account_lock,
    legacy_account_transition,
    legacy_accounts_transition,
)

__all__ = [
    "FAVOURITES_LIST_NAME",
    "customer_history_counts",
    "legacy_favourites_carry_over",
    "legacy_order_lines_to_cart_items",
    "ActivationRefused",
    "EmailKind",
    "FlagResult",
    "MoveError",
    "SubmitResult",
    "TransitionError",
    "WavePlan",
    "activation_request",
    "activation_link",
    "customer_flag_for_move",
    "customers_flag_chunk",
    "customers_flag_for_move",
    "customers_flag_wave",
    "deadline_bounds",
    "invitation_read",
    "invitation_token",
    "legacy_account_activate",
    "legacy_account_activate_by_link",
    "legacy_account_edit",
    "legacy_account_lock",
    "legacy_account_transition",
    "legacy_accounts_transition",
    "legacy_account_authenticate",
    "legacy_account_postpone",
    "legacy_account_reactivate",
    "legacy_account_request_reset",
    "legacy_account_resend_invitation",
    "legacy_account_set_password",
    "legacy_account_submit_move",
    "legacy_reset_link",
    "legacy_reset_read",
    "legacy_reset_token",
    "email_bounce_mark",
    "email_key",
    "legacy_account_mark_called",
    "migration_event_build",
    "migration_event_record",
    "move_form_link",
    "move_interest_create",
    "reminders_send",
]
