from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_widgets import SafeAdminInputMixin
from organizations.models import (
    Category,
    Membership,
    Municipality,
    Official,
    Organization,
    Region,
    RoutingRule,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "centre", "oktmo", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "centre", "oktmo"]
    list_select_related = ["region"]


class MembershipInline(SafeAdminInputMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    fk_name = "organization"


class OfficialInline(SafeAdminInputMixin, admin.TabularInline):
    """The officials citizens may address (heads keep them in the staff dashboard too)."""

    model = Official
    extra = 0
    fields = ["order", "name", "position", "membership", "is_active"]
    autocomplete_fields = ["membership"]


@admin.register(Organization)
class OrganizationAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent", "inn", "is_active"]
    list_filter = ["is_active", "kind", "region", "municipalities"]
    search_fields = ["name", "short_name", "slug", "inn", "ogrn"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["parent", "municipalities"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [MembershipInline, OfficialInline]
    list_per_page = 50
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}
    }
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "region", "parent", "is_active"]}),
        (_("Area served"), {"fields": ["municipalities"]}),
        (
            _("Registration and contacts"),
            {"fields": ["inn", "ogrn", "address", "email", "phone", "website"]},
        ),
        (_("Website widget"), {"fields": ["widget_origins", "widget_snippet"]}),
    ]
    readonly_fields = ["widget_snippet"]

    @admin.display(description=_("Code to paste into the organization's website"))
    def widget_snippet(self, obj):
        if obj is None or not obj.slug:
            return _("Save the organization first.")
        snippet = f'<script src="{settings.SITE_URL}{reverse("widget_loader")}" data-organization="{obj.slug}" async></script>'
        return format_html(
            "<pre><code>{}</code></pre><p>{}</p>",
            snippet,
            _(
                "The «Report a problem» button appears where the code is pasted. Only the sites listed above "
                "may show the form in a frame."
            ),
        )


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 0
    fields = [
        "name",
        "slug",
        "regime",
        "term_days",
        "day_count",
        "is_priority",
        "is_active",
        "position",
    ]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True


class IsSectionFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("section", _("sections")), ("category", _("categories"))]

    def queryset(self, request, queryset):
        if self.value() == "section":
            return queryset.filter(parent__isnull=True)
        if self.value() == "category":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Category)
class CategoryAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "parent",
        "regime",
        "term_days",
        "day_count",
        "is_priority",
        "served_by",
        "is_active",
    ]
    list_filter = [
        IsSectionFilter,
        "regime",
        "is_priority",
        "day_count",
        "served_by",
        "is_active",
        "parent",
    ]
    search_fields = ["name", "keywords", "slug"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SubcategoryInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["category", "municipality", "organization", "region"]
    list_filter = ["region", "category__parent", "municipality"]
    search_fields = ["category__name", "municipality__name", "organization__name"]
    list_select_related = ["category__parent", "municipality", "organization", "region"]
    autocomplete_fields = ["category", "municipality", "organization"]
    list_per_page = 50


@admin.register(Membership)
class MembershipAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["user", "role", "organization", "region", "created_at"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__last_name", "organization__name"]
    list_select_related = ["user", "organization", "region"]
    autocomplete_fields = ["user", "organization", "region"]
