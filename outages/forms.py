from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.fields import InMemoryModelChoiceField
from core.input import LocalDateTimeField
from core.widgets import FastSelect
from organizations.models import Municipality, Organization
from organizations.selectors import region_municipalities
from outages.models import DESCRIPTION_MAX_LENGTH, Outage
from outages.services import MAX_HOUSES
from places.selectors import match_house

MAX_ADDRESS_LINE = 300


class OutageForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization"),
        empty_label=_("— choose the organization —"),
        widget=FastSelect,
    )
    kind = forms.ChoiceField(
        label=_("What is switched off or changed"),
        choices=[(value, capfirst(label)) for value, label in Outage.Kind.choices],
        widget=forms.RadioSelect,
    )
    emergency = forms.BooleanField(
        label=_("Emergency outage (not planned)"),
        required=False,
        help_text=_("Tick it for an accident being repaired; leave it for planned works."),
    )
    municipality = InMemoryModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Municipality"),
        empty_label=_("— choose —"),
        widget=FastSelect,
    )
    addresses = forms.CharField(
        label=_("Houses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One address of the registry a line: street and house number, e.g. «Ленинская, 12». "
            "Leave it empty when the whole municipality is affected."
        ),
    )
    starts_at = LocalDateTimeField(label=_("Starts"), help_text=_("Local time of the region."))
    ends_at = LocalDateTimeField(label=_("Ends"), help_text=_("Local time of the region."))
    description = forms.CharField(
        label=_("Reason and what residents should know"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DESCRIPTION_MAX_LENGTH}),
        help_text=_(
            "What is done and why, where water can be taken meanwhile, whom to call. Residents "
            "read it before they write an appeal."
        ),
    )

    def __init__(self, *args, organizations=None, region=None, **kwargs):
        """`organizations`: the choice for a new outage; None when editing (the organization stays)."""
        super().__init__(*args, **kwargs)
        self.fields["municipality"].set_objects(region_municipalities(region=region))
        if organizations is None:
            del self.fields["organization"]
            return
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[organization.pk for organization in organizations]
        ).order_by("name")
        if len(organizations) == 1:
            # Nothing to choose: keep the only organization out of the way.
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations[0].pk

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        data["houses"] = self._houses(data)
        return data

    def _houses(self, data) -> list:
        """The registry house of each line; lines that name none are an error naming them."""
        lines = [line.strip() for line in (data.get("addresses") or "").splitlines()]
        lines = [line for line in lines if line]
        municipality = data.get("municipality")
        if not lines or municipality is None:
            return []
        if len(lines) > MAX_HOUSES:
            self.add_error(
                "addresses",
                _("At most %(limit)d houses: for a wider area leave the houses empty.")
                % {"limit": MAX_HOUSES},
            )
            return []
        houses, unknown = [], []
        for line in lines:
            house = (
                match_house(text=line, municipality_id=municipality.pk)
                if len(line) <= MAX_ADDRESS_LINE
                else None
            )
            if house is None:
                unknown.append(line[:80])
            elif house not in houses:
                houses.append(house)
        if unknown:
            self.add_error(
                "addresses",
                _(
                    "Not found in the address registry of this municipality: %(lines)s. Write "
                    "the street and the house number as on the house, one address a line."
                )
                % {"lines": "; ".join(f"«{line}»" for line in unknown)},
            )
        return houses


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubscriptionForm(forms.Form):
    municipality = InMemoryModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Municipality"),
        empty_label=_("— choose —"),
        widget=FastSelect,
    )
    address = forms.CharField(
        label=_("House (optional)"),
        required=False,
        max_length=MAX_ADDRESS_LINE,
        help_text=_(
            "Street and house number, e.g. «Ленинская, 12»: only outages covering this house. "
            "Empty: every outage in the municipality."
        ),
    )

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].set_objects(region_municipalities(region=region))

    def clean(self):
        data = super().clean()
        address = (data.get("address") or "").strip()
        data["house"] = None
        if address and data.get("municipality") is not None:
            data["house"] = match_house(text=address, municipality_id=data["municipality"].pk)
            if data["house"] is None:
                self.add_error(
                    "address",
                    _(
                        "This address is not in the registry of the municipality. Write the "
                        "street and the house number, or leave the field empty for the whole "
                        "municipality."
                    ),
                )
        return data
