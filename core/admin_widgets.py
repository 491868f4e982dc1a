"""The admin's forms survive what the query string or a refused POST put in them.

The admin takes initial values from the query string (`/admin/…/add/?organization=x`) and
re-renders a refused POST. Django's AutocompleteSelect then looks the value up with
`pk__in=[value]` (ValueError when it is not an id), and the split date-and-time widget calls
`to_current_timezone()` on the raw string (AttributeError): a 500 on a typing error, both.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models


class _ValidValuesOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        options = remote.model._meta
        target = options.get_field(getattr(remote, "field_name", None) or options.pk.name)

        def acceptable(raw) -> bool:
            try:
                target.get_prep_value(target.to_python(raw))
            except (TypeError, ValueError, OverflowError, ValidationError):
                return False
            return True

        return super().optgroups(name, [v for v in value if acceptable(v)], attr)


class SafeAutocompleteSelect(_ValidValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ValidValuesOnly, AutocompleteSelectMultiple):
    pass


class SafeAdminInputMixin:
    """For a ModelAdmin or an inline: `autocomplete_fields` use the widgets above, and dates from
    the query string are not taken as initial values (the widgets cannot show a raw string)."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, (models.DateField, models.TimeField)):
                del initial[name]
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
