from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import OutboundEmailAdmin
from core.models import OutboundEmail

from . import services
from .admin_scope import BranchScopedAdmin, audit, branch_recipients_q, sees_all_branches
from .models import Branch, Customer, Membership, User
from .staff import require_recent_authentication


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = None
    raw_id_fields = ("user", "customer", "invited_by")
    fields = ("user", "customer", "role", "is_active", "order_limit", "can_see_prices", "invited_by", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "customer", "invited_by")


class UserMembershipInline(MembershipInline):
    fk_name = "user"


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "pk"  # a branch employee sees their own branch
    list_display = ("code", "name", "email", "phone", "city", "customer_count")
    search_fields = ("code", "name", "city")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(customer_count=Count("customers"))

    @admin.display(description=_("kunder"), ordering="customer_count")
    def customer_count(self, obj):
        return obj.customer_count


@admin.register(Customer)
class CustomerAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "branch"
    list_display = ("number", "name", "branch", "is_active", "active_users")
    list_filter = ("branch", "is_active")
    search_fields = ("number", "name", "org_number", "email")
    list_select_related = ("branch",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_users=Count("memberships", filter=Q(memberships__is_active=True)))
        )

    @admin.display(description=_("aktive brukere"), ordering="active_users")
    def active_users(self, obj):
        return obj.active_users


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "branch", "last_login")
    list_filter = ("is_active", "is_staff", "branch", "memberships__role", "memberships__customer__branch")
    search_fields = ("email", "name", "memberships__customer__number", "memberships__customer__name")
    list_select_related = ("branch",)
    raw_id_fields = ("branch",)
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "phone", "branch")}),
        (
            _("Tilganger"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)

    # Least privilege: only superusers (IT) grant privileges, touch superusers or set passwords.
    # Everyone else sees these fields read-only; Django ignores read-only fields in a POST.
    PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.PRIVILEGE_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            # Permission first (a refused edit stays a 403), then the password again.
            obj = self.get_object(request, unquote(object_id)) if object_id else None
            if self.has_change_permission(request, obj) if object_id else self.has_add_permission(request):
                require_recent_authentication(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            # A second line behind the read-only fields: nothing here may raise a privilege.
            before = User.objects.filter(pk=obj.pk).first() if change else None
            if obj.is_superuser or (before is not None and before.is_staff != obj.is_staff):
                raise PermissionDenied
            if before is None and obj.is_staff:
                raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "customer__branch"
    list_display = ("user", "customer", "role", "status_label", "is_active", "invited_by", "created_at")
    list_filter = ("role", "is_active", "customer__branch")
    search_fields = ("user__email", "user__name", "customer__number", "customer__name")
    raw_id_fields = ("user", "customer", "invited_by")
    list_select_related = ("user", "customer", "invited_by")
    actions = ["resend_invitation"]

    @admin.action(description=_("Send invitasjonen på nytt"), permissions=["change"])
    def resend_invitation(self, request, queryset):
        """Like delete_selected: a confirmation page first, since this sends email."""
        memberships = list(queryset.select_related("user", "customer"))
        pending = [m for m in memberships if m.status == "invitert"]
        if request.POST.get("post") == "yes":
            resent = [m for m in pending if services.invitation_resend(membership=m, sent_by=request.user)]
            sent = len(resent)
            audit(request, resent, "Invitasjon sendt på nytt")
            self.message_user(
                request,
                ngettext(
                    "Sendte %(count)d invitasjon på nytt.", "Sendte %(count)d invitasjoner på nytt.", sent
                )
                % {"count": sent},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "accounts/admin_resend_invitation.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send invitasjonen på nytt?"),
                "opts": self.model._meta,
                "pending": pending,
                "skipped": [m for m in memberships if m.status != "invitert"],
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()


class ScopedOutboundEmailAdmin(BranchScopedAdmin, OutboundEmailAdmin):
    """core's outbox admin with branch scope: a branch employee sees the emails to their branch's
    people (accounts.admin_scope.branch_recipients_q), without message bodies."""

    BODY_FIELDS = ("context", "preview", "last_error")

    def branch_filter(self, queryset, branch_id):
        return queryset.filter(branch_recipients_q(branch_id))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if sees_all_branches(request.user):
            return fields
        return [f for f in fields if f not in self.BODY_FIELDS]


admin.site.unregister(OutboundEmail)
admin.site.register(OutboundEmail, ScopedOutboundEmailAdmin)


class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """allauth's, with its action declaring the permission it needs (every action does)."""

    actions = ["make_verified"]

    @admin.action(description=_("Merk som bekreftet"), permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, EmailAddressAdmin)

# The admin login goes through allauth's login page, so it has the same rate limits and flow.
admin.site.login = secure_admin_login(admin.site.login)
