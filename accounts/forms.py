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


HOURS = [("", _("— as on the platform —")), *((str(hour), f"{hour:02d}:00") for hour in range(24))]


class NoticeSettingsForm(forms.ModelForm):
    """How the person hears of their appeals besides the cabinet: e-mail, push, SMS, and the hours
    in which push and SMS wait for the morning. SMS and its phone are offered only where an SMS
    gateway is configured; the push choice once a browser of theirs is subscribed."""

    quiet_from = forms.TypedChoiceField(
        label=_("Quiet hours from"), choices=HOURS, coerce=int, empty_value=None, required=False
    )
    quiet_to = forms.TypedChoiceField(
        label=_("Quiet hours until"), choices=HOURS, coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = User
        fields = ["notice_email", "notice_push", "notice_sms", "phone", "quiet_from", "quiet_to"]
        fields += ["quiet_email"]
        labels = {"phone": _("Mobile phone for SMS")}
        help_texts = {
            "notice_email": _(
                "Notices the law requires (registration, forwarding, extension, the answer) "
                "come by e-mail all the same."
            ),
            "notice_sms": _("Short notices when the status of your appeal changes."),
            "quiet_email": _("Otherwise only push notifications and SMS wait for the morning."),
        }
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})}

    def __init__(self, *args, sms_available: bool, push_subscribed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms_available:
            del self.fields["notice_sms"], self.fields["phone"]
        if not push_subscribed:
            del self.fields["notice_push"]

    def clean(self):
        from core.sms import normalize_phone

        data = super().clean()
        if data.get("notice_sms"):
            phone = normalize_phone(data.get("phone") or "")
            if phone is None:
                self.add_error(
                    "phone",
                    _("Enter a mobile phone number such as +7 914 123-45-67 to receive SMS."),
                )
            else:
                data["phone"] = phone
        start, end = data.get("quiet_from"), data.get("quiet_to")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_to" if end is None else "quiet_from",
                _("Choose both the start and the end of the quiet hours, or neither."),
            )
        elif start is not None and start == end:
            self.add_error(
                "quiet_to", _("The quiet hours must end at another hour than they start.")
            )
        return data
