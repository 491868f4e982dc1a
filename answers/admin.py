"""Published answers in the admin: to look up, not to change. Publishing, changing and withdrawing
go through the services on the staff pages, which write the audit trail (PublishedAnswerEvent)."""

from django.contrib import admin

from answers.models import PublishedAnswer, PublishedAnswerEvent
from core.admin_widgets import SafeAdminInputMixin


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublishedAnswerEventInline(SafeAdminInputMixin, ReadOnly, admin.TabularInline):
    model = PublishedAnswerEvent
    extra = 0
    fields = ["created_at", "action", "actor", "comment", "data"]
    readonly_fields = fields


@admin.register(PublishedAnswer)
class PublishedAnswerAdmin(SafeAdminInputMixin, ReadOnly, admin.ModelAdmin):
    list_display = ["title", "organization", "published_at", "withdrawn_at"]
    list_filter = ["withdrawn_at"]
    search_fields = ["title", "organization__name"]
    inlines = [PublishedAnswerEventInline]
