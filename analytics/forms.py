from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.periods import PRESETS
from core.input import BoundedDateField

MAX_PERIOD = timedelta(days=3 * 366)


class DashboardForm(forms.Form):
    """The period and the filters of /analytics/. Choices come precomputed from the view (no queries)."""

    preset = forms.ChoiceField(
        label=_("Period"), required=False, choices=[*PRESETS.items(), ("custom", _("dates below"))]
    )
    start = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), required=False, coerce=int, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    organization = forms.TypedChoiceField(
        label=_("Organization"), required=False, coerce=int, empty_value=None
    )
    series = forms.ChoiceField(
        label=_("Time series by"),
        required=False,
        choices=[("month", _("month")), ("week", _("week"))],
    )

    def __init__(self, *args, municipalities=(), categories=(), organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("— all —"))]
        self.fields["municipality"].choices = everything + list(municipalities)
        self.fields["category"].choices = everything + list(categories)
        self.fields["organization"].choices = everything + list(organizations)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # the message is read out with the field
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean(self):
        data = super().clean()
        if data.get("preset") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give both dates of the period."))
            if start > end:
                self.add_error("end", _("The end of the period is before its start."))
            elif end - start > MAX_PERIOD:
                self.add_error("end", _("A period may be at most three years long."))
        return data
