from django import forms
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organizations.models import Municipality


class ProfileForm(forms.ModelForm):
    """The citizen's answer details. Surname and name are required: 59-FZ leaves an appeal without
    them unanswered (and the filing form asks for them first); the e-mail of the account is the
    address for an electronic answer, so the postal address stays optional."""

    REQUIRED = {
        "last_name": _("Enter your surname: an appeal is not considered without it (59-FZ)."),
        "first_name": _("Enter your first name: an appeal is not considered without it (59-FZ)."),
    }

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
            "staff_digest",
        ]
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "additional-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "postal_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        }

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:  # the digest is of a work queue: citizens have none
            del self.fields["staff_digest"]
        for name, message in self.REQUIRED.items():
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = message
            field.label = format_html(
                '{} <span class="required">({})</span>', capfirst(field.label), _("required field")
            )
