"""Form fields over objects already in memory: rendering and validating them costs no query."""

from django import forms
from django.core.exceptions import ValidationError


class InMemoryModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are a list given with `set_objects` (reference data kept
    in memory, organizations.selectors). Assigning a `queryset` makes it a plain ModelChoiceField
    again (a form that narrows the options with a query)."""

    objects: list | None = None

    def set_objects(self, objects) -> None:
        self.objects = list(objects)
        self.widget.choices = self.choices

    def _set_queryset(self, queryset):
        self.objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def _get_choices(self):
        if self.objects is None:
            return super()._get_choices()
        choices = [("", self.empty_label)] if self.empty_label is not None else []
        return choices + [(item.pk, self.label_from_instance(item)) for item in self.objects]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def to_python(self, value):
        if self.objects is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        value = str(getattr(value, "pk", value))
        for item in self.objects:
            if str(item.pk) == value:
                return item
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def validate(self, value):
        forms.Field.validate(self, value)
