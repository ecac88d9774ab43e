"""Reads of the migration app that are more than one QuerySet method: the dashboard, the gate's look-ups.

The simple reads are QuerySet methods in `migration.models` (`invitable()`, `without_email()`,
`not_moved()`, `awaiting_activation()`, `by_username()`); callers use those rather than re-deriving
the conditions.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Branch, Customer
from core.links import LinkError, link_read

from .charts import activation_chart
from .models import CustomerMove, EventKind, LegacyAccount, MigrationEvent, ReactivationReason


def user_awaiting_activation(user) -> bool:
    """True if `user` waits for the activation link of a submitted legacy account.

    Either an existing, active user (the link proves the address, then the membership is added), or
    a user the move form created: inactive until the link proves the address. Such a pending user
    is told apart from one deactivated by staff by what only the move form leaves behind: created
    by the submit of an open (`is_active`) legacy account still in «Skjema sendt» (`date_joined`
    is that account's `submitted_at`), never logged in, no usable password. Anyone else who is
    inactive was shut out by staff (or existed before the move form) and stays refused. To stop a
    pending user, staff close the legacy account.
    """
    awaiting = LegacyAccount.objects.awaiting_activation().filter(user=user)
    if user.is_active:
        return awaiting.exists()
    return (
        user.last_login is None
        and not user.has_usable_password()
        and awaiting.filter(is_active=True, submitted_at__lte=user.date_joined).exists()
    )


def legacy_account_for_session(token: str) -> LegacyAccount | None:
    """The legacy account a gate session is logged in as, if it may still log in.

    The session holds a "legacy_session" token (core.links) bound to the stored legacy hash and the
    account's state: a new legacy password, a shut-out, a move or LEGACY_SESSION_MAX_AGE ends it.
    """
    try:
        account = link_read(
            "legacy_session", token, queryset=LegacyAccount.objects.select_related("customer__branch")
        )
    except LinkError:
        return None
    return account if account.is_active else None


def customer_move_get(customer_id) -> CustomerMove | None:
    """The customer's move (flagged or not), or None before the move button was ever pressed."""
    return CustomerMove.objects.filter(customer_id=customer_id).first()


# --- «Flytting: oversikt» ----------------------------------------------------------------------------

COLUMNS = [
    ("customers_not_flagged", gettext_lazy("Kunder ikke flyttet")),
    ("customers_flagged", gettext_lazy("Kunder flyttet")),
    ("imported", gettext_lazy("Brukere ikke invitert")),
    ("invited", gettext_lazy("Invitert")),
    ("postponed", gettext_lazy("Utsatt")),
    ("submitted", gettext_lazy("Skjema sendt")),
    ("activated", gettext_lazy("Aktivert")),
    ("reactivated", gettext_lazy("Reaktivert")),
    ("without_email", gettext_lazy("Uten e-post")),
    ("email_bounced", gettext_lazy("E-post i retur")),
]


def dashboard_data(*, days: int = 30, now=None, branch_id=None) -> dict:
    """Counts per branch and overall (a bounded number of queries), and activations per day.

    With `branch_id` (a branch employee, accounts.admin_scope.staff_branch_id) only that branch.
    """
    now = now or timezone.now()
    branches = Branch.objects.order_by("name")
    if branch_id is not None:
        branches = branches.filter(pk=branch_id)
    rows = {b.pk: {"branch": b, **{key: 0 for key, _label in COLUMNS}} for b in branches}
    for item in Customer.objects.values("branch").annotate(
        flagged=Count("pk", filter=Q(move__flagged_at__isnull=False)), total=Count("pk")
    ):
        row = rows.get(item["branch"])
        if row:
            row["customers_flagged"] = item["flagged"]
            row["customers_not_flagged"] = item["total"] - item["flagged"]
    for item in LegacyAccount.objects.values("customer__branch", "state").annotate(n=Count("pk")):
        row = rows.get(item["customer__branch"])
        if row:
            row[item["state"]] = item["n"]
    for item in (
        LegacyAccount.objects.without_email()
        .values("customer__branch")
        .annotate(n=Count("pk"))
    ):
        row = rows.get(item["customer__branch"])
        if row:
            row["without_email"] = item["n"]
    for item in LegacyAccount.objects.email_bounced().values("customer__branch").annotate(n=Count("pk")):
        row = rows.get(item["customer__branch"])
        if row:
            row["email_bounced"] = item["n"]
    table = [r for r in rows.values() if any(r[key] for key, _label in COLUMNS)]
    totals = {key: sum(r[key] for r in table) for key, _label in COLUMNS}
    for row in [*table, totals]:
        row["cells"] = [row[key] for key, _label in COLUMNS]

    today = timezone.localdate(now)
    start = today - timedelta(days=days - 1)
    per_day = dict(
        MigrationEvent.objects.activations()
        .filter(**({} if branch_id is None else {"account__customer__branch_id": branch_id}))
        .filter(at__date__gte=start)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = [(start + timedelta(days=i), per_day.get(start + timedelta(days=i), 0)) for i in range(days)]
    reasons = dict(
        MigrationEvent.objects.filter(kind=EventKind.REACTIVATED)
        .filter(**({} if branch_id is None else {"customer__branch_id": branch_id}))
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    reactivations = [
        (label, reasons.get(value, 0) + (reasons.get("", 0) if value == ReactivationReason.OTHER else 0))
        for value, label in ReactivationReason.choices
    ]
    return {
        "reactivations": reactivations,
        "reactivations_total": sum(n for _label, n in reactivations),
        "columns": [label for _key, label in COLUMNS],
        "table": table,
        "totals": totals,
        "chart": activation_chart(series),
        "series": series,
    }
