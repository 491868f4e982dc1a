from django.contrib import admin

from core.admin_widgets import SafeAdminInputMixin
from reporting.models import CategoryTopic, Topic


@admin.register(Topic)
class TopicAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(CategoryTopic)
class CategoryTopicAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["category", "topic"]
    search_fields = ["category__name", "topic__code", "topic__name"]
    autocomplete_fields = ["topic"]
