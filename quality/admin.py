from django.contrib import admin

from core.admin_widgets import SafeAdminInputMixin
from quality.models import AnswerReview, Curatorship, ReviewedCategory, ReworkCriterion


@admin.register(ReworkCriterion)
class ReworkCriterionAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ("title", "code", "active", "order")
    list_editable = ("active", "order")
    search_fields = ("title", "code")


@admin.register(ReviewedCategory)
class ReviewedCategoryAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ("category", "created_at")
    autocomplete_fields = ("category",)


@admin.register(Curatorship)
class CuratorshipAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ("user", "organization", "created_at")
    autocomplete_fields = ("user", "organization")


@admin.register(AnswerReview)
class AnswerReviewAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    """The record of decisions: read only (the services write it)."""

    list_display = ("appeal", "organization", "stage", "decision", "reviewer", "created_at")
    list_filter = ("stage", "decision")
    search_fields = ("appeal__number",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
