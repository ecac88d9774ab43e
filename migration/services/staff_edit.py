"""A staff edit of a legacy account in admin: saved with its history event.

The admin form changes the fields; this service saves only those, with the row locked, and writes one
«Endret av ansatt» event saying what changed from what, so a changed email (where the invitation and
reminders go) or a closed or re-opened access (`is_active`) is never silent.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import EventKind, LegacyAccount, MigrationEvent
from .events import migration_event_record
from .move import legacy_account_resend_invitation
from .state import legacy_account_lock

# What staff may edit on a legacy account; the state and legacy access change only through the flow.
STAFF_EDITABLE = ("username", "customer", "name", "email", "phone", "is_main_user", "is_active")


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    return str(value) if value not in (None, "") else "–"


def legacy_account_edit(*, account: LegacyAccount, fields, actor) -> MigrationEvent | None:
    """Save the staff-editable `fields` of `account` (edited in memory) and record what changed.

    Returns the event, or None when nothing changed.
    """
    wanted = set(fields)
    with transaction.atomic():
        stored = legacy_account_lock(account.pk)
        changes = [f for f in STAFF_EDITABLE if f in wanted and getattr(stored, f) != getattr(account, f)]
        if not changes:
            return None
        old = {name: getattr(stored, name) for name in changes}
        for name in changes:
            setattr(stored, name, getattr(account, name))
        corrected = "email" in changes and bool(stored.email)
        if corrected and stored.email_bounced_at is not None:
            # A corrected address is a new chance: the bounce flag goes (the event stays in the history).
            stored.email_bounced_at, stored.email_bounce_reason, stored.email_bounced_to = None, "", ""
            changes_saved = [*changes, "email_bounced_at", "email_bounce_reason", "email_bounced_to", "updated_at"]
        else:
            changes_saved = [*changes, "updated_at"]
        stored.save(update_fields=changes_saved)
        detail = "; ".join(
            _("%(field)s: %(old)s → %(new)s")
            % {
                "field": LegacyAccount._meta.get_field(name).verbose_name,
                "old": _shown(old[name]),
                "new": _shown(getattr(stored, name)),
            }
            for name in changes
        )
        event = migration_event_record(
            customer=stored.customer, account=stored, kind=EventKind.EDITED, actor=actor, detail=detail
        )
        if corrected:
            # A fresh invitation to the corrected address (when the customer is flagged and the user
            # has not moved); links sent to the old address no longer open (services/links.py).
            legacy_account_resend_invitation(account=stored, actor=actor)
        return event
