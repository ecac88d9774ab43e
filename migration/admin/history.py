"""The history (MigrationEvent, read-only) and «Meld interesse» requests."""

from django.contrib import admin
from django.db.models import Q

from accounts.admin_scope import BranchScopedAdmin

from ..models import MigrationEvent, MoveInterest


@admin.register(MigrationEvent)
class MigrationEventAdmin(BranchScopedAdmin, admin.ModelAdmin):
    def branch_filter(self, queryset, branch_id):
        # An event names a customer, a legacy account, or both.
        return queryset.filter(Q(customer__branch_id=branch_id) | Q(account__customer__branch_id=branch_id))

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
class MoveInterestAdmin(BranchScopedAdmin, admin.ModelAdmin):
    branch_path = "customer__branch"
    list_display = ("created_at", "customer", "account", "message")
    list_filter = ("customer__branch",)
    search_fields = ("customer__number", "customer__name", "account__username", "message")
    list_select_related = ("customer", "account")
    raw_id_fields = ("customer", "account")
