"""Forms for the materials of the case: the citizen's request to read them, the staff's decision
(59-FZ art. 5 p. 2), and the requests for documents sent to other bodies (art. 10 p. 2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import TEXT_MAX_LENGTH, Attachment
from appeals.staff_forms import ActionForm
from organizations.models import Organization
from organizations.selectors import active_organizations

ACCEPTED_FILES = "image/jpeg,image/png,application/pdf"


class MaterialsRequestForm(forms.Form):
    comment = forms.CharField(
        label=_("What you would like to read (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_materials_%s")
        super().__init__(*args, **kwargs)


def document_label(attachment: Attachment) -> str:
    """A document of the case as the grant form lists it: its name and where it comes from."""
    if attachment.document_request_id is not None:
        origin = _("reply of «%(body)s»") % {"body": attachment.document_request.body_name}
    elif attachment.answer_id is not None:
        origin = _("file of the answer")
    else:
        origin = _("file of the appeal")
    return f"{attachment.original_name} — {origin}"


class GrantMaterialsForm(ActionForm):
    id_prefix = "grant"
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents the citizen may read"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Do not choose documents that touch other people's rights and interests or hold a "
            "secret protected by law (59-FZ art. 5)."
        ),
        error_messages={
            "required": _(
                "Choose at least one document the citizen may read, or refuse with a reason."
            ),
            "invalid_choice": _("Choose documents of this appeal from the list."),
        },
    )

    def __init__(self, *args, documents=(), request_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_id = request_id
        self.fields["documents"].choices = [(d.pk, document_label(d)) for d in documents]


class RefuseMaterialsForm(ActionForm):
    id_prefix = "refuse"
    reason = forms.CharField(
        label=_("Reason of the refusal, for the citizen"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the citizen may not read the materials.")},
    )

    def __init__(self, *args, request_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_id = request_id


class DocumentRequestForm(ActionForm):
    id_prefix = "docrequest"
    body_name = forms.CharField(
        label=_("Body the documents are requested from"),
        required=False,
        max_length=300,
        help_text=_("As named in the request letter. May be left empty when the INN is given."),
    )
    organization_inn = forms.CharField(
        label=_("INN of the body, if it is on the platform (optional)"),
        required=False,
        max_length=12,
    )
    question = forms.CharField(
        label=_("Documents and materials asked for"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen by the organization and the moderator; the citizen sees the body and the term."
        ),
        error_messages={"required": _("Say which documents are requested.")},
    )

    def __init__(self, *args, region_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id = region_id

    def clean_organization_inn(self) -> Organization | None:
        inn = self.cleaned_data["organization_inn"].strip()
        if not inn:
            return None
        if not inn.isascii() or not inn.isdigit() or len(inn) not in (10, 12):
            raise forms.ValidationError(_("An INN is 10 or 12 digits."))
        organization = (
            active_organizations(region_id=self.region_id).filter(inn=inn).first()
            if self.region_id is not None
            else None
        )
        if organization is None:
            raise forms.ValidationError(
                _("No organization of the region with this INN is on the platform.")
            )
        return organization

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("body_name", "").strip()
            and cleaned.get("organization_inn") is None
            and "organization_inn" not in self.errors
        ):
            self.add_error("body_name", _("Name the body the documents are requested from."))
        return cleaned


class DocumentReplyForm(forms.Form):
    """The reply to one request; the page holds one per request waiting, each with its own ids."""

    text = forms.CharField(
        label=_("What was received"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(
        label=_("File of the reply (optional)"),
        required=False,
        help_text=_("JPEG, PNG or PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args, document_request_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"docreply{document_request_id}_%s")
        super().__init__(*args, **kwargs)
        self.document_request_id = document_request_id

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("text", "").strip() and not cleaned.get("file"):
            raise forms.ValidationError(_("Describe the reply or attach its file."))
        return cleaned
