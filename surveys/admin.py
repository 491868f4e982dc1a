"""Admin for consultations: browse and correct content; state changes go through the services
(publishing, responses, moderation and reports are done on the site)."""

from django.contrib import admin

from core.admin_widgets import SafeAdminInputMixin
from surveys.models import (
    Comment,
    CommentReport,
    Discussion,
    Option,
    Question,
    Response,
    Section,
    Subscription,
    Survey,
)


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Survey)
class SurveyAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "opens_at", "closes_at", "published_at"]
    list_filter = ["kind", "region", "eligibility", "is_anonymous"]
    search_fields = ["title"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["municipalities"]
    readonly_fields = ["published_at", "created_by", "created_at"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "kind", "is_required"]
    list_select_related = ["survey"]
    search_fields = ["text", "survey__title"]
    inlines = [OptionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Counts only: who answered what is not shown, anonymous or not."""

    list_display = ["survey", "submitted_at"]
    list_filter = ["survey"]
    fields = ["survey", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


@admin.register(Discussion)
class DiscussionAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "opens_at",
        "closes_at",
        "moderation",
        "published_at",
        "report_published_at",
    ]
    list_filter = ["region", "moderation"]
    search_fields = ["title"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    filter_horizontal = ["municipalities"]
    readonly_fields = ["published_at", "report_published_at", "created_by", "created_at"]
    inlines = [SectionInline]


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = ["reason", "created_at", "resolved_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "discussion", "status", "decision", "created_at"]
    list_filter = ["status", "decision", "discussion__region"]
    search_fields = ["text"]
    list_select_related = ["discussion"]
    raw_id_fields = ["discussion", "section", "parent", "author", "moderated_by"]
    readonly_fields = ["created_at", "moderated_at"]
    inlines = [CommentReportInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "new_in_municipality", "discussion_reports", "updated_at"]
    raw_id_fields = ["user"]
