from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Branch, Customer, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = None
    raw_id_fields = ("user", "customer", "invited_by")


class UserMembershipInline(MembershipInline):
    fk_name = "user"


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email", "phone", "city")
    search_fields = ("code", "name", "city")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "branch", "is_active")
    list_filter = ("branch", "is_active")
    search_fields = ("number", "name", "org_number", "email")
    list_select_related = ("branch",)
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "branch", "memberships__role")
    search_fields = ("email", "name", "memberships__customer__number")
    raw_id_fields = ("branch",)
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "phone", "branch")}),
        (_("Tilganger"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Datoer"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "customer", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "customer__branch")
    search_fields = ("user__email", "user__name", "customer__number", "customer__name")
    raw_id_fields = ("user", "customer", "invited_by")
    list_select_related = ("user", "customer")


# The admin login goes through allauth's login page, so it has the same rate limits and flow.
admin.site.login = secure_admin_login(admin.site.login)
