"""Admin for appeals: read-only views of appeals and their history (changes go through services),
the outbox with a retry action, and the editable production calendar."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from appeals import notices
from appeals.models import Appeal, CalendarDay, CoSigner, Event, Incident
from core.models import Notification, SmsPart


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = [
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "reason_code",
        "comment",
        "is_public",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CoSignerInline(admin.TabularInline):
    """The signers of a collective appeal (signing goes through appeals/services/collective.py)."""

    model = CoSigner
    extra = 0
    fields = ["created_at", "citizen", "wants_copy", "is_representative"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "status",
        "category",
        "municipality",
        "organization",
        "submitted_at",
        "due_at",
    ]
    list_filter = ["status", "channel", "region", "flagged_for_moderator", "category__parent"]
    search_fields = ["number"]
    list_select_related = ["category", "municipality", "organization"]
    date_hierarchy = "submitted_at"
    inlines = [CoSignerInline, EventInline]
    show_full_result_count = False


class SmsPartInline(admin.TabularInline):
    """The parts of an SMS the gateway accepted, with their delivery receipts."""

    model = SmsPart
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "number",
        "message_id",
        "submitted_at",
        "receipt_status",
        "receipt_error",
        "receipt_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "template",
        "channel",
        "status",
        "attempts",
        "recipient",
        "appeal",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient__email", "appeal__number"]
    list_select_related = ["recipient", "appeal"]
    inlines = [SmsPartInline]
    actions = ["retry"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return (
            request.user.is_superuser
        )  # for the retry action; the form itself has no editable field

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Notification._meta.fields]

    @admin.action(description=_("Send the failed e-mails again"))
    def retry(self, request, queryset):
        count = notices.retry_failed(
            actor=request.user, notification_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request, _("%(count)s e-mails will be sent again.") % {"count": count}, messages.SUCCESS
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Read-only: incidents are grouped, answered and closed on the staff pages (services)."""

    list_display = ["title", "organization", "region", "created_at", "answered_at", "closed_at"]
    list_filter = ["region"]
    search_fields = ["title"]
    list_select_related = ["organization", "region"]
    show_full_result_count = False
