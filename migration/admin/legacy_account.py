"""Legacy accounts: «Send invitasjon på nytt», «Reaktiver i dagens nettbutikk», history, dashboard URL."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin_scope import BranchScopedAdmin, audit, register_recipients, staff_branch_id
from accounts.staff import require_recent_authentication

from .. import services
from ..forms import ReactivateForm
from ..models import LegacyAccount, MigrationEvent
from ..selectors import dashboard_data
from . import followup


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


# The outbox list of a branch shows the emails to its legacy users (accounts.admin_scope).
register_recipients(
    lambda branch_id: LegacyAccount.objects.filter(customer__branch_id=branch_id).exclude(email="").values("email")
)


@admin.register(LegacyAccount)
class LegacyAccountAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "customer__branch"
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

    def save_model(self, request, obj, form, change):
        """An edit goes through the service, which records what changed (email, access, …)."""
        if change:
            services.legacy_account_edit(account=obj, fields=form.changed_data, actor=request.user)
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=gettext_lazy("passord"))
    def password_summary(self, obj):
        if not obj.password:
            return _("Ingen brukbart passord")
        return obj.password.split("$", 1)[0] or "bcrypt"

    @admin.action(description=gettext_lazy("Send invitasjon på nytt"), permissions=["change"])
    def resend_invitation(self, request, queryset):
        resent = [a for a in queryset if services.legacy_account_resend_invitation(account=a, actor=request.user)]
        sent = len(resent)
        audit(request, resent, "Invitasjon sendt på nytt")
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
            require_recent_authentication(request)  # re-opens the old shop: the password again
            done = 0
            reactivated = []
            for account in queryset:
                try:
                    services.legacy_account_reactivate(
                        account=account,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        category=form.cleaned_data["category"],
                    )
                    done += 1
                    reactivated.append(account)
                except services.MoveError as exc:
                    self.message_user(request, exc.message, messages.WARNING)
            audit(request, reactivated, f"Reaktivert: {form.cleaned_data['reason']}")
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
            path(
                "oppfolging/",
                self.admin_site.admin_view(lambda r: followup.followup_view(self, r)),
                name="migration_followup",
            ),
            path(
                "oppfolging/eksport.<str:fmt>",
                self.admin_site.admin_view(lambda r, fmt: followup.followup_export(self, r, fmt)),
                name="migration_followup_export",
            ),
            path(
                "oppfolging/<int:pk>/ringt/",
                self.admin_site.admin_view(lambda r, pk: followup.followup_called(self, r, pk)),
                name="migration_followup_called",
            ),
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Flytting: oversikt"),
            "opts": self.model._meta,
            **dashboard_data(branch_id=staff_branch_id(request.user)),
        }
        return TemplateResponse(request, "admin/migration/dashboard.html", context)
