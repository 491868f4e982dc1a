"""Staff register an appeal received by phone, on paper or at a personal visit, on the citizen's behalf."""

import uuid

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import User, phone_validator
from appeals import permissions as appeal_permissions
from appeals.forms import MultipleFileField, MultipleFileInput, category_choices
from appeals.models import TEXT_MAX_LENGTH, Appeal
from appeals.services.on_behalf import OFFLINE_CHANNELS, is_offline_email, register_on_behalf
from appeals.views.staff import staff_required
from core.actions import attempt
from core.uploads import AttachmentError
from core.widgets import FastSelect
from organizations.models import Category, Municipality
from organizations.selectors import request_region


def _model_label(field: str):
    """The profile field's own (already translated) name, so the form and the profile agree."""
    return capfirst(User._meta.get_field(field).verbose_name)


CITIZEN_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "email",
    "phone",
    "postal_address",
    "citizen_municipality",
)
APPEAL_FIELDS = ("channel", "category", "municipality", "address", "text", "files", "consent")


class OnBehalfForm(forms.Form):
    """The citizen (who they are, where to answer) and their appeal, as staff took it down."""

    last_name = forms.CharField(
        label=_model_label("last_name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=_model_label("first_name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    patronymic = forms.CharField(
        label=_model_label("patronymic"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        required=False,
        help_text=gettext_lazy(
            "If the citizen has an account with this e-mail, the appeal is added to it; otherwise an "
            "account is created and the citizen gets a letter on how to set a password."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        help_text=gettext_lazy("Required for an appeal received by phone."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "tel"}),
    )
    postal_address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Postcode, settlement, street, house, flat. Required without an e-mail: the answer is sent by post."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    citizen_municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=gettext_lazy("Municipality of residence"),
        empty_label=gettext_lazy("— not known —"),
        widget=FastSelect,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How the appeal was received"),
        choices=[("", gettext_lazy("— choose —")), *((c.value, c.label) for c in OFFLINE_CHANNELS)],
        widget=FastSelect,
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, choices=(), widget=FastSelect
    )
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=gettext_lazy("Municipality of the problem"),
        empty_label=gettext_lazy("— choose —"),
        widget=FastSelect,
    )
    address = forms.CharField(
        label=gettext_lazy("Address of the problem"),
        max_length=300,
        help_text=gettext_lazy("Settlement, street, house; or a landmark."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Text of the appeal"),
        min_length=20,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX_LENGTH}),
        help_text=gettext_lazy("The citizen's words, as close as possible. Up to 5000 characters."),
    )
    files = MultipleFileField(
        label=gettext_lazy("Files"),
        required=False,
        help_text=gettext_lazy(
            "Up to 5 files: JPEG, PNG or PDF, 10 MB each, such as a scan of the paper letter."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "The citizen agreed to the processing of their personal data for the consideration of the "
            "appeal (consent signed, or verbal consent recorded)."
        ),
        error_messages={
            "required": gettext_lazy(
                "Without the citizen's consent to personal data processing the appeal cannot be registered."
            )
        },
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = Municipality.objects.filter(region=region).order_by("name")
        self.fields["municipality"].queryset = municipalities
        self.fields["citizen_municipality"].queryset = municipalities
        self.fields["category"].choices = category_choices()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email and is_offline_email(email):
            raise forms.ValidationError(
                _("Enter the citizen's real e-mail or leave the field empty.")
            )
        return email

    def clean_category(self) -> Category:
        category = Category.objects.filter(
            pk=self.cleaned_data["category"], parent__isnull=False, is_active=True
        ).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("postal_address") and "email" not in self.errors:
            self.add_error(
                "postal_address",
                _("Enter the citizen's e-mail or postal address: the answer is sent there."),
            )
        if (
            data.get("channel") == Appeal.Channel.PHONE
            and not data.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", _("Enter the phone number the citizen called from."))
        return data

    def citizen_fieldset(self):
        return [self[name] for name in CITIZEN_FIELDS]

    def appeal_fieldset(self):
        return [self[name] for name in APPEAL_FIELDS if name != "consent"]


@staff_required
@require_http_methods(["GET", "POST"])
def register(request):
    """The form; a valid POST files the appeal for moderation and comes back to an empty form."""
    region = request_region(request)
    if request.method == "GET":
        form = OnBehalfForm(region=region, initial={"idempotency_key": uuid.uuid4()})
        return render(request, "appeals/staff/register.html", {"form": form})

    form = OnBehalfForm(request.POST, request.FILES, region=region)
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: register_on_behalf(
                actor=request.user,
                citizen_data={
                    "last_name": data["last_name"],
                    "first_name": data["first_name"],
                    "patronymic": data["patronymic"],
                    "email": data["email"],
                    "phone": data["phone"],
                    "postal_address": data["postal_address"],
                    "municipality": data["citizen_municipality"],
                },
                appeal_data={
                    "channel": data["channel"],
                    "category": data["category"],
                    "municipality": data["municipality"],
                    "address": data["address"],
                    "text": data["text"],
                    "idempotency_key": data["idempotency_key"],
                },
                uploads=data["files"],
            ),
            form=form,
            fields={AttachmentError: "files"},
        )
        if outcome.ok:
            appeal = outcome.value
            messages.success(
                request,
                _(
                    "Appeal %(number)s is registered on behalf of the citizen and sent to the moderator."
                )
                % {"number": appeal.number},
            )
            # A new appeal waits for moderation; the staff page opens only once it is ours to work on.
            if (
                appeal.organization_id
                and appeal.organization_id in appeal_permissions.organization_ids(request.user)
            ):
                return redirect("staff:appeal", number=appeal.number)
            return redirect(reverse("staff:register"))
    if request.FILES.getlist("files") and "files" not in form.errors:
        # Browsers never send a file input back: say so, rather than lose the scan silently.
        form.add_error(
            "files", _("The form has errors, so the files are not saved: attach them again.")
        )
    return render(request, "appeals/staff/register.html", {"form": form}, status=400)
