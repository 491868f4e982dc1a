from django.contrib import admin

from core.admin_widgets import SafeAdminInputMixin
from places.models import House, ServiceTerritory, Settlement, Street
from places.services import refresh_house_search


@admin.register(Settlement)
class SettlementAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "fias_id"]
    list_filter = ["kind", "municipality"]
    search_fields = ["name", "fias_id"]
    list_select_related = ["municipality"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            refresh_house_search(houses=House.objects.filter(street__settlement=obj))


@admin.register(Street)
class StreetAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "settlement", "fias_id"]
    list_filter = ["kind", "settlement__municipality", "settlement"]
    search_fields = ["name", "fias_id", "settlement__name"]
    list_select_related = ["settlement"]
    autocomplete_fields = ["settlement"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "settlement"} & set(form.changed_data):
            refresh_house_search(houses=House.objects.filter(street=obj))


@admin.register(House)
class HouseAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["short_label", "street", "number", "building", "latitude", "longitude"]
    list_filter = ["street__settlement__municipality", "street__settlement"]
    search_fields = ["street__name", "number", "fias_id"]
    list_select_related = ["street__settlement"]
    autocomplete_fields = ["street"]


@admin.register(ServiceTerritory)
class ServiceTerritoryAdmin(SafeAdminInputMixin, admin.ModelAdmin):
    list_display = ["kind", "organization", "place", "valid_from", "valid_to"]
    list_filter = ["kind", "municipality", "settlement", "valid_from"]
    search_fields = ["organization__name", "organization__inn", "house__street__name"]
    list_select_related = [
        "organization",
        "house__street__settlement",
        "settlement",
        "municipality",
    ]
    autocomplete_fields = ["organization", "house", "settlement", "municipality"]
    date_hierarchy = "valid_from"
