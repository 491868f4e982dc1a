"""Regimes in the admin: versions are never edited, a change of the rules is a new version."""

from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.admin_widgets import SafeAdminInputMixin
from regimes.models import Regime, RegimeRule, RegimeVersion

VERSION_FIELDS = [
    "valid_from",
    "registration_days",
    "answer_days",
    "day_count",
    "extension_allowed",
    "extension_max_days",
    "forwarding_days",
    "outcomes",
    "closing_grounds",
    "notices",
    "signer",
    "assurance",
]


class VersionInForce(SafeAdminInputMixin, admin.TabularInline):
    """The versions so far, read-only: appeals registered under them keep them."""

    model = RegimeVersion
    verbose_name_plural = _("versions (appeals keep the version they were filed under)")
    fields = ["number", *VERSION_FIELDS]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-valid_from", "-number"]

    def has_add_permission(self, request, obj=None):
        return False


class NewVersion(SafeAdminInputMixin, admin.StackedInline):
    """A change of the rules: a new version, in force from its date for appeals filed since."""

    model = RegimeVersion
    verbose_name = _("new version")
    verbose_name_plural = _("new version of the rules")
    fields = VERSION_FIELDS
    extra = 0
    max_num = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()


@admin.register(Regime)
class RegimeAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [VersionInForce, NewVersion]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RegimeVersion:
            return super().save_formset(request, form, formset, change)
        for version in formset.save(commit=False):
            if version.pk is None:
                last = version.regime.versions.aggregate(last=Max("number"))["last"] or 0
                version.number = last + 1
                version.save()


@admin.register(RegimeRule)
class RegimeRuleAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["__str__", "category", "organization_kind", "regime"]
    list_filter = ["regime", "organization_kind"]
    autocomplete_fields = ["category"]
    list_select_related = ["regime", "category__parent"]
