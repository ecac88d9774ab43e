"""«Flytting: oversikt»: counts per branch and overall, and the activations chart."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Branch, Customer

from ..models import LegacyAccount, MigrationEvent

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
        LegacyAccount.objects.filter(email="", is_active=True)
        .values("customer__branch")
        .annotate(n=Count("pk"))
    ):
        row = rows.get(item["customer__branch"])
        if row:
            row["without_email"] = item["n"]
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
    return {
        "columns": [label for _key, label in COLUMNS],
        "table": table,
        "totals": totals,
        "chart": activation_chart(series),
        "series": series,
    }


def activation_chart(series, *, width=720, height=220) -> dict:
    """Geometry for a server-rendered SVG bar chart (no JavaScript, no CDN)."""
    left, bottom, top = 36, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max([n for _d, n in series] + [1])
    step = plot_w / max(len(series), 1)
    bars = []
    for i, (day, n) in enumerate(series):
        h = round(plot_h * n / peak, 1)
        bars.append(
            {
                "x": round(left + i * step + 1, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(max(step - 2, 1), 1),
                "h": h,
                "n": n,
                "label": day.strftime("%d.%m"),
                "show_label": i % 5 == 0 or i == len(series) - 1,
                "label_x": round(left + i * step + step / 2, 1),
            }
        )
    ticks = sorted({0, peak // 2, peak}) if peak > 1 else [0, 1]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "peak": peak,
        "baseline": top + plot_h,
        "left": left,
        "right": width - 8,
        "label_y": height - 8,
        "ticks": [{"value": t, "y": round(top + plot_h - plot_h * t / peak, 1)} for t in ticks],
        "total": sum(n for _d, n in series),
    }
