"""Staff tools: the move button, resend / re-activate per legacy account, history, dashboard.

The customer admin is accounts' `CustomerAdmin`, re-registered here as a subclass with the move
button (list action and a button on the customer page), the move status panel, the legacy accounts
(with those without email highlighted) and «Meld interesse» requests.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import CustomerAdmin
from accounts.models import Branch, Customer
from faq.admin import MoveInterestInline as ContactMoveInterestInline

from . import services
from .forms import DeadlineForm, ReactivateForm
from .models import CustomerMove, LegacyAccount, MigrationEvent, MoveInterest, State

# --- Customer admin: the move button -----------------------------------------------------------------


class LegacyAccountInline(admin.TabularInline):
    model = LegacyAccount
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("username", "name", "email_or_missing", "is_main_user", "state", "legacy_access", "user")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Brukere i dagens nettbutikk")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("e-post"))
    def email_or_missing(self, obj):
        if obj.email:
            return obj.email
        return format_html(
            '<strong class="migration-missing">{}</strong>', _("Mangler e-post – får ingen invitasjon")
        )


class MoveInterestInline(admin.TabularInline):
    model = MoveInterest
    extra = 0
    can_delete = False
    fields = ("created_at", "account", "message")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Meld interesse")

    def has_add_permission(self, request, obj=None):
        return False


class MigrationCustomerAdmin(CustomerAdmin):
    change_form_template = "admin/migration/customer_change_form.html"
    list_display = (*CustomerAdmin.list_display, "move_deadline")
    list_select_related = (
        (*CustomerAdmin.list_select_related, "move")
        if isinstance(CustomerAdmin.list_select_related, list | tuple)
        else ("branch", "move")
    )
    list_filter = (*CustomerAdmin.list_filter, ("move__flagged_at", admin.EmptyFieldListFilter))
    actions = [*(CustomerAdmin.actions or []), "flag_for_move"]
    readonly_fields = (*CustomerAdmin.readonly_fields, "move_status")
    # Interest to move comes from the gate («Meld interesse») and from the contact form.
    inlines = [*CustomerAdmin.inlines, LegacyAccountInline, MoveInterestInline, ContactMoveInterestInline]

    def get_fieldsets(self, request, obj=None):
        """accounts' fieldsets, plus a «Flytting» section with the move status on an existing customer."""
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "move_status"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Flytting til ny nettbutikk"), {"fields": ["move_status"]})]

    @admin.display(description=gettext_lazy("flyttefrist"), ordering="move__deadline")
    def move_deadline(self, obj):
        move = getattr(obj, "move", None)
        return move.deadline if move and move.is_flagged else "–"

    @admin.display(description=gettext_lazy("status"))
    def move_status(self, obj):
        move = CustomerMove.objects.filter(customer=obj).first()
        counts = dict(obj.legacy_accounts.values_list("state").annotate(n=Count("pk")))
        summary = format_html_join(", ", "{}: {}", ((State(s).label, n) for s, n in sorted(counts.items())))
        if move and move.is_flagged:
            head = format_html(
                _("Flyttet {} av {}. Frist: <strong>{}</strong>."),
                timezone.localtime(move.flagged_at).strftime("%d.%m.%Y %H:%M"),
                move.flagged_by or "–",
                move.deadline.strftime("%d.%m.%Y"),
            )
        else:
            head = _("Ikke flyttet ennå.")
        missing = list(
            obj.legacy_accounts.without_email().filter(is_active=True).values_list("username", flat=True)
        )
        missing_html = (
            format_html(
                "<br>{}: <strong>{}</strong>", _("Uten e-post (får ingen invitasjon)"), ", ".join(missing)
            )
            if missing
            else ""
        )
        interests = obj.move_interests.count()
        interest_html = format_html("<br>{}: {}", _("Meld interesse"), interests) if interests else ""
        return format_html(
            "{}<br>{}{}{}",
            head,
            summary or _("Ingen brukere i dagens nettbutikk."),
            missing_html,
            interest_html,
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/flytt/",
                self.admin_site.admin_view(self.move_view),
                name="accounts_customer_move",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["move_url"] = reverse("admin:accounts_customer_move", args=[object_id])
        move = CustomerMove.objects.filter(customer_id=object_id).first()
        extra_context["move_flagged"] = bool(move and move.is_flagged)
        return super().change_view(request, object_id, form_url, extra_context)

    def _confirm_move(self, request, queryset, *, single=None):
        """The intermediate page of the move button (like delete_selected): deadline, then apply."""
        form = DeadlineForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                plan = services.customers_flag_wave(
                    customers=queryset, deadline=form.cleaned_data["deadline"], actor=request.user
                )
            except services.MoveError as error:  # the day changed between the page and the press
                form.add_error("deadline", error.message)
            else:
                self._report_wave(request, plan)
                return None
        customers = list(
            queryset.select_related("branch", "move").annotate(
                n_accounts=Count("legacy_accounts", filter=Q(legacy_accounts__is_active=True)),
                n_without_email=Count(
                    "legacy_accounts", filter=Q(legacy_accounts__is_active=True, legacy_accounts__email="")
                ),
            )
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Flytt til ny nettbutikk"),
            "opts": self.model._meta,
            "customers": customers,
            "form": form,
            "single": single,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "already_flagged": [c for c in customers if getattr(c, "move", None) and c.move.is_flagged],
        }
        return TemplateResponse(request, "admin/migration/flag_confirm.html", context)

    # Listed by name in the message; more than this and staff are pointed at the filtered list.
    WITHOUT_EMAIL_LISTED = 20

    def _report_wave(self, request, plan):
        """Tell staff what was queued, where to follow it, and who gets no invitation."""
        dashboard = reverse("admin:migration_dashboard")
        if plan.to_flag:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "%(flagged)s kunder flyttes nå, %(invited)s invitasjoner sendes i bakgrunnen "
                        "(det kan ta noen minutter)."
                    )
                    % {"flagged": len(plan.to_flag), "invited": plan.invitations},
                    dashboard,
                    _("Følg med i «Flytting: oversikt»."),
                ),
                messages.SUCCESS,
            )
        if plan.already:
            self.message_user(
                request,
                _("%(n)s kunder var allerede flyttet: ingen nye e-poster sendt.") % {"n": plan.already},
                messages.WARNING,
            )
        if plan.without_email:
            missing = (
                LegacyAccount.objects.without_email()
                .filter(is_active=True, customer__in=plan.to_flag[:2000])
                .order_by("customer__number", "username")
                .values_list("username", "customer__number")[: self.WITHOUT_EMAIL_LISTED]
            )
            listed = ", ".join(f"{username} ({number})" for username, number in missing)
            url = reverse("admin:migration_legacyaccount_changelist") + "?email__isempty=1&is_active__exact=1"
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Uten e-post, får ingen invitasjon (kontakt dem direkte): %(n)s brukere: %(list)s")
                    % {
                        "n": plan.without_email,
                        "list": listed + (" …" if plan.without_email > len(missing) else ""),
                    },
                    url,
                    _("Se alle brukere uten e-post."),
                ),
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Flytt til ny nettbutikk"), permissions=["change"])
    def flag_for_move(self, request, queryset):
        return self._confirm_move(request, queryset)

    def move_view(self, request, object_id):
        customer = get_object_or_404(Customer, pk=object_id)
        if not self.has_change_permission(request, customer):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        response = self._confirm_move(request, Customer.objects.filter(pk=customer.pk), single=customer)
        if response is None:
            return HttpResponseRedirect(reverse("admin:accounts_customer_change", args=[customer.pk]))
        return response


admin.site.unregister(Customer)
admin.site.register(Customer, MigrationCustomerAdmin)


# --- Legacy accounts ---------------------------------------------------------------------------------


class MigrationEventInline(admin.TabularInline):
    model = MigrationEvent
    fk_name = "account"
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor_display", "detail")
    readonly_fields = fields
    ordering = ("-at", "-pk")
    verbose_name_plural = gettext_lazy("Historikk")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("utført av"))
    def actor_display(self, obj):
        return obj.actor or obj.actor_label or "–"


@admin.register(LegacyAccount)
class LegacyAccountAdmin(admin.ModelAdmin):
    change_list_template = "admin/migration/legacyaccount_change_list.html"
    list_display = ("username", "customer", "name", "email", "is_main_user", "state", "legacy_access", "user")
    list_filter = (
        "state",
        "legacy_access",
        "is_main_user",
        "is_active",
        "customer__branch",
        ("email", admin.EmptyFieldListFilter),
    )
    search_fields = ("username", "email", "name", "customer__number", "customer__name")
    list_select_related = ("customer", "user")
    raw_id_fields = ("customer", "user")
    readonly_fields = (
        "state",
        "legacy_access",
        "user",
        "submitted_at",
        "activated_at",
        "postponed_at",
        "created_at",
        "updated_at",
        "password_summary",
    )
    fields = (
        "username",
        "customer",
        "name",
        "email",
        "phone",
        "is_main_user",
        "is_active",
        "password_summary",
        "state",
        "legacy_access",
        "user",
        "submitted_at",
        "activated_at",
        "postponed_at",
        "created_at",
        "updated_at",
    )
    inlines = [MigrationEventInline]
    actions = ["resend_invitation", "reactivate"]

    @admin.display(description=gettext_lazy("passord"))
    def password_summary(self, obj):
        if not obj.password:
            return _("Venter på kryptering") if hasattr(obj, "pending_hash") else _("Ingen brukbart passord")
        return obj.password.split("$", 1)[0] or "bcrypt"

    @admin.action(description=gettext_lazy("Send invitasjon på nytt"), permissions=["change"])
    def resend_invitation(self, request, queryset):
        sent = sum(
            1 for a in queryset if services.legacy_account_resend_invitation(account=a, actor=request.user)
        )
        skipped = queryset.count() - sent
        self.message_user(request, _("%(n)s invitasjoner sendes på nytt.") % {"n": sent}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                _(
                    "%(n)s ble hoppet over (kunden er ikke flyttet, mangler e-post, "
                    "eller brukeren har flyttet)."
                )
                % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Reaktiver i dagens nettbutikk"), permissions=["change"])
    def reactivate(self, request, queryset):
        form = ReactivateForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for account in queryset:
                try:
                    services.legacy_account_reactivate(
                        account=account, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except services.MoveError as exc:
                    self.message_user(request, exc.message, messages.WARNING)
            self.message_user(
                request,
                _("%(n)s brukere har fått tilgang til dagens nettbutikk igjen.") % {"n": done},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reaktiver i dagens nettbutikk"),
            "opts": self.model._meta,
            "accounts": queryset.select_related("customer", "user"),
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/migration/reactivate_confirm.html", context)

    def get_urls(self):
        return [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="migration_dashboard"),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Flytting: oversikt"),
            "opts": self.model._meta,
            **dashboard_data(),
        }
        return TemplateResponse(request, "admin/migration/dashboard.html", context)


# --- Dashboard ---------------------------------------------------------------------------------------

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


def dashboard_data(*, days: int = 30, now=None) -> dict:
    """Counts per branch and overall (a bounded number of queries), and activations per day."""
    now = now or timezone.now()
    rows = {
        b.pk: {"branch": b, **{key: 0 for key, _label in COLUMNS}} for b in Branch.objects.order_by("name")
    }
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


@admin.register(MigrationEvent)
class MigrationEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "account", "customer", "actor", "actor_label", "detail")
    list_filter = ("kind", "customer__branch")
    search_fields = ("account__username", "customer__number", "detail", "actor_label")
    list_select_related = ("account", "customer", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MoveInterest)
class MoveInterestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "customer", "account", "message")
    list_filter = ("customer__branch",)
    search_fields = ("customer__number", "customer__name", "account__username", "message")
    list_select_related = ("customer", "account")
    raw_id_fields = ("customer", "account")
