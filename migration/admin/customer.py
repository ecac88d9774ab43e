"""The customer admin with the move button.

accounts' `CustomerAdmin`, re-registered here as a subclass with the move button (list action and a
button on the customer page), the move status panel, the legacy accounts (with those without email
highlighted) and «Meld interesse» requests.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import CustomerAdmin
from accounts.admin_scope import audit
from accounts.models import Customer
from accounts.staff import require_recent_authentication
from faq.admin import MoveInterestInline as ContactMoveInterestInline

from .. import selectors, services
from ..forms import DeadlineForm
from ..models import LegacyAccount, MoveInterest, State


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
    list_select_related = (*CustomerAdmin.list_select_related, "move")
    list_filter = (*CustomerAdmin.list_filter, ("move__flagged_at", admin.EmptyFieldListFilter))
    actions = [*(CustomerAdmin.actions or []), "flag_for_move"]
    readonly_fields = (*CustomerAdmin.readonly_fields, "move_status", "history_carried")
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
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "history_carried"]})
            for name, options in fieldsets
        ]
        return [*fieldsets, (_("Flytting til ny nettbutikk"), {"fields": ["move_status", "history_carried"]})]

    @admin.display(description=gettext_lazy("historikk flyttet med"))
    def history_carried(self, obj):
        """How much of the old shop's history the customer has in the new one (import_legacy_history)."""
        counts = services.customer_history_counts(customer=obj)
        if not counts["orders"] and not counts["favourites"]:
            return _("Ingen historikk importert fra dagens nettbutikk ennå.")
        return format_html(
            _("{} ordre med {} ordrelinjer; {} favoritter, {} favorittlister opprettet for brukere som har flyttet."),
            counts["orders"],
            counts["lines"],
            counts["favourites"],
            counts["lists"],
        )

    @admin.display(description=gettext_lazy("flyttefrist"), ordering="move__deadline")
    def move_deadline(self, obj):
        move = getattr(obj, "move", None)
        return move.deadline if move and move.is_flagged else "–"

    @admin.display(description=gettext_lazy("status"))
    def move_status(self, obj):
        move = selectors.customer_move_get(obj.pk)
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
            obj.legacy_accounts.without_email().values_list("username", flat=True)
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
        move = selectors.customer_move_get(object_id)
        extra_context["move_flagged"] = bool(move and move.is_flagged)
        extra_context["can_move"] = self.has_move_permission(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def _confirm_move(self, request, queryset, *, single=None):
        """The intermediate page of the move button (like delete_selected): deadline, then apply."""
        form = DeadlineForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            if queryset.count() > settings.STAFF_REAUTH_WAVE_SIZE:
                require_recent_authentication(request)  # a big wave asks for the password again
            try:
                plan = services.customers_flag_wave(
                    customers=queryset, deadline=form.cleaned_data["deadline"], actor=request.user
                )
            except services.MoveError as error:  # the day changed between the page and the press
                form.add_error("deadline", error.message)
            else:
                audit(request, Customer.objects.filter(pk__in=plan.to_flag), "Flytteknappen: flyttet")
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
                .filter(customer__in=plan.to_flag[:2000])
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

    def has_move_permission(self, request, obj=None):
        """The move button: `migration.change_customermove` (both staff roles have it)."""
        return request.user.has_perm("migration.change_customermove")

    @admin.action(description=gettext_lazy("Flytt til ny nettbutikk"), permissions=["move"])
    def flag_for_move(self, request, queryset):
        return self._confirm_move(request, queryset)

    def move_view(self, request, object_id):
        customer = get_object_or_404(self.get_queryset(request), pk=object_id)  # other branch: 404
        if not self.has_move_permission(request, customer):
            raise PermissionDenied
        response = self._confirm_move(request, Customer.objects.filter(pk=customer.pk), single=customer)
        if response is None:
            return HttpResponseRedirect(reverse("admin:accounts_customer_change", args=[customer.pk]))
        return response


admin.site.unregister(Customer)
admin.site.register(Customer, MigrationCustomerAdmin)
