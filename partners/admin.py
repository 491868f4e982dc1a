from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin_widgets import SafeAdminInputMixin
from partners import services
from partners.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    """Keys are created here; the key is shown once, in a message, and only its digest is kept."""

    list_display = ["partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["partner", "contact", "prefix"]
    fields = [
        "partner",
        "contact",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["partner", "contact"])
            return
        api_key, raw_key = services.issue_api_key(
            actor=request.user, partner=obj.partner, contact=obj.contact
        )
        obj.pk = api_key.pk
        obj.prefix, obj.digest, obj.created_at = api_key.prefix, api_key.digest, api_key.created_at
        obj._state.adding = False
        obj._state.db = api_key._state.db
        messages.warning(
            request,
            _("The API key for %(partner)s: %(key)s — copy it now, it is not shown again.")
            % {"partner": api_key.partner, "key": raw_key},
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.revoke_api_key(actor=request.user, api_key_id=api_key.pk)
        self.message_user(request, _("Keys revoked: %(count)s.") % {"count": queryset.count()})
