"""Outages in the admin: to look up, not to change. Publishing, changing and cancelling go through
the services on the staff pages, which write the audit trail (OutageEvent)."""

from django.contrib import admin

from outages.models import Outage, OutageEvent, OutageSubscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutageEventInline(admin.TabularInline):
    model = OutageEvent
    extra = 0
    fields = ["created_at", "action", "actor", "comment", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outage)
class OutageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "organization", "municipality", "starts_at", "ends_at", "status"]
    list_filter = ["status", "kind", "emergency", "municipality"]
    search_fields = ["description", "organization__name"]
    list_select_related = ["organization", "municipality"]
    date_hierarchy = "starts_at"
    inlines = [OutageEventInline]


@admin.register(OutageSubscription)
class OutageSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "municipality", "house", "created_at"]
    list_filter = ["municipality"]
    list_select_related = ["user", "municipality", "house__street__settlement"]
