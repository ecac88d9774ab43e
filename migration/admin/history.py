"""The history (MigrationEvent, read-only) and «Meld interesse» requests."""

from django.contrib import admin

from ..models import MigrationEvent, MoveInterest


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
