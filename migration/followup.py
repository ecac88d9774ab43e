"""«Oppfølging», the call list: every legacy user a person must phone, with why.

The reasons are the one table below (each a Q on the annotated queryset), so the list, its filter,
the CSV and the XLSX export all agree. A row marked «Ringt» (an event, services/followup.py) is off
the list for `FOLLOWUP_CALLED_HIDE_DAYS` days. Only customers whose move button was pressed are on
it: before that there is nothing to chase.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EventKind, LegacyAccount, MigrationEvent, State

# key → (label, condition on the annotated queryset). Conditions see `deadline`, `postpone_count`.
REASONS = {
    "bounced": (_("E-post i retur"), lambda today, now: Q(email_bounced_at__isnull=False)),
    "no_email": (_("Mangler e-post"), lambda today, now: Q(email="")),
    "deadline_soon": (
        _("Ikke flyttet, fristen nærmer seg"),
        lambda today, now: Q(
            state__in=[State.IMPORTED, *LegacyAccount.NOT_MOVED],
            deadline__gte=today,
            deadline__lte=today + timedelta(days=settings.FOLLOWUP_DEADLINE_DAYS),
        ),
    ),
    "past_deadline": (_("Fristen er ute, ikke flyttet"), lambda today, now: Q(deadline__lt=today)),
    "postponed_again": (
        _("Utsatt flere ganger"),
        lambda today, now: Q(state=State.POSTPONED, postpone_count__gte=2),
    ),
    "activation_pending": (
        _("Aktivering ikke fullført"),
        lambda today, now: Q(
            state=State.SUBMITTED,
            submitted_at__lt=now - timedelta(days=settings.FOLLOWUP_ACTIVATION_DAYS),
        ),
    ),
}

DEADLINE_FILTERS = {
    "past": _("Fristen er ute"),
    "week": _("Innen 7 dager"),
    "later": _("Senere"),
}


def followup_queryset(*, reason: str = "", deadline: str = "", now=None):
    """The call list's rows (annotated with each reason as `r_<key>`), oldest deadline first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events = MigrationEvent.objects.filter(account=OuterRef("pk"))
    postpones = (
        events.filter(kind=EventKind.POSTPONED).order_by().values("account").annotate(n=Count("pk")).values("n")
    )
    last = events.order_by("-at", "-pk")
    called = events.filter(kind=EventKind.CALLED, at__gte=now - timedelta(days=settings.FOLLOWUP_CALLED_HIDE_DAYS))
    rows = (
        LegacyAccount.objects.filter(is_active=True, customer__move__flagged_at__isnull=False)
        .exclude(state__in=LegacyAccount.MOVED)
        .annotate(
            deadline=F("customer__move__deadline"),
            postpone_count=Coalesce(Subquery(postpones, output_field=IntegerField()), 0),
            last_event_at=Subquery(last.values("at")[:1]),
            last_event_kind=Subquery(last.values("kind")[:1]),
        )
        .exclude(Exists(called))
    )
    rows = rows.annotate(
        **{
            f"r_{key}": ExpressionWrapper(condition(today, now), output_field=BooleanField())
            for key, (_label, condition) in REASONS.items()
        }
    )
    wanted = Q()
    for key, (_label, condition) in REASONS.items():
        if not reason or reason == key:
            wanted |= condition(today, now)
    rows = rows.filter(wanted)
    if deadline == "past":
        rows = rows.filter(deadline__lt=today)
    elif deadline == "week":
        rows = rows.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7))
    elif deadline == "later":
        rows = rows.filter(deadline__gt=today + timedelta(days=7))
    return rows.select_related("customer", "customer__branch").order_by("deadline", "customer__number", "username")


def followup_reasons(row) -> list[str]:
    """The labels of the reasons a row is on the list."""
    return [str(label) for key, (label, _c) in REASONS.items() if getattr(row, f"r_{key}", False)]


def followup_last_event(row) -> str:
    if not row.last_event_at:
        return ""
    label = EventKind(row.last_event_kind).label if row.last_event_kind in EventKind.values else row.last_event_kind
    return f"{timezone.localtime(row.last_event_at):%d.%m.%Y %H:%M} {label}"


COLUMNS = [
    _("Kundenummer"),
    _("Kunde"),
    _("Brukernavn i dagens nettbutikk"),
    _("Navn"),
    _("Telefon"),
    _("E-post"),
    _("Årsak"),
    _("Frist"),
    _("Siste hendelse"),
]


def followup_table(rows) -> list[list[str]]:
    """The rows as the export writes them (strings; the date as dd.mm.yyyy)."""
    out = []
    for row in rows:
        reasons = followup_reasons(row)
        if row.email_bounced_at and row.email_bounce_reason:
            reasons[reasons.index(str(REASONS["bounced"][0]))] += f" ({row.email_bounce_reason[:200]})"
        out.append(
            [
                row.customer.number,
                row.customer.name,
                row.username,
                row.name,
                row.phone,
                row.email,
                "; ".join(reasons),
                row.deadline.strftime("%d.%m.%Y") if row.deadline else "",
                followup_last_event(row),
            ]
        )
    return out
