from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, User
from core.admin_widgets import SafeAdminInputMixin
from organizations.models import Membership


class MembershipInline(SafeAdminInputMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "organization", "region"]
    autocomplete_fields = ["organization", "region"]


@admin.register(User)
class UserAdmin(SafeAdminInputMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "municipality", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role", "municipality"]
    search_fields = ["email", "last_name", "first_name", "phone"]
    list_select_related = ["municipality__region"]
    autocomplete_fields = ["municipality"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "last_name",
                    "first_name",
                    "patronymic",
                    "phone",
                    "municipality",
                    "postal_address",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target_user"]
    list_filter = ["action"]
    search_fields = ["actor__email", "target_user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
