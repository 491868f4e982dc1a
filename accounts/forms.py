from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organizations.models import Municipality


class ProfileForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.select_related("region"),
        required=False,
        label=_("Municipality of residence"),
        empty_label=_("— not chosen —"),
    )

    class Meta:
        model = User
        fields = [
            "last_name",
            "first_name",
            "patronymic",
            "phone",
            "municipality",
            "postal_address",
        ]
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "additional-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "postal_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }
