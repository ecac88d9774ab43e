from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Branch, Customer, Membership, User


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
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email", "phone", "city", "customer_count")
    search_fields = ("code", "name", "city")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(customer_count=Count("customers"))

    @admin.display(description=_("kunder"), ordering="customer_count")
    def customer_count(self, obj):
        return obj.customer_count


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
            sent = sum(services.invitation_resend(membership=m, sent_by=request.user) for m in pending)
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


# The admin login goes through allauth's login page, so it has the same rate limits and flow.
admin.site.login = secure_admin_login(admin.site.login)
