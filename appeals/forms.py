import uuid

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.functional import cached_property, lazy
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from appeals.identification import answer_email_allowed
from appeals.models import TEXT_MAX_LENGTH, Ground
from appeals.selectors import expected_organization
from core.fields import InMemoryModelChoiceField
from core.input import parse_pk
from core.widgets import FastSelect
from organizations.models import Category, Municipality, Official, Organization
from organizations.selectors import (
    REFERENCE_DATA,
    active_organizations,
    leaf_category_list,
    listed_officials,
    region_municipalities,
    section_list,
)
from places.selectors import match_house

CONSENT_TEXT = _(
    "I agree to the processing of my personal data (name, contacts, address and the text of the "
    "appeal) by the platform operator and the organizations considering the appeal, for the purpose "
    "of considering it, under Federal Law No. 152-FZ."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def term_label(category: Category) -> str:
    return ngettext("%(days)s day", "%(days)s days", category.term_days) % {
        "days": category.term_days
    }


def category_choices() -> list:
    """The grouped category list of the form, kept in memory until a category changes."""
    return REFERENCE_DATA.get(("appeals:category-choices", get_language()), _build_category_choices)


def _build_category_choices() -> list:
    groups: dict[str, list] = {}
    for category in leaf_category_list():
        groups.setdefault(category.parent.name, []).append(
            (category.pk, f"{category.name} — {term_label(category)}")
        )
    return [("", str(_("— choose a category —"))), *groups.items()]


class AppealForm(forms.Form):
    section = InMemoryModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        label=_("Section"),
        empty_label=_("— all sections —"),
        widget=FastSelect,
        help_text=_("Narrows the list of categories."),
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, choices=(), widget=FastSelect
    )
    municipality = InMemoryModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Municipality"),
        empty_label=_("— choose —"),
        widget=FastSelect,
    )
    address = forms.CharField(
        label=_("Address of the problem"),
        max_length=300,
        required=False,
        help_text=_("Settlement, street, house; or a landmark."),
        # No autocomplete="off": browsers do not restore such a field on Back, and the address
        # was the one thing lost after filing.
    )
    no_exact_address = forms.BooleanField(label=_("No exact address"), required=False)
    place_description = forms.CharField(
        label=_("Description of the place"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=_("If there is no exact address: how to find the place (landmarks, distances)."),
    )
    # The point on the map (static/js/map.js fills these); the address above stays the complete way.
    latitude = forms.DecimalField(
        required=False, min_value=-90, max_value=90, decimal_places=5, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, decimal_places=5, widget=forms.HiddenInput
    )
    # «Кому адресовано»: the officials of the organization the appeal would go to, known once the
    # category and the municipality are (appeals.selectors.expected_organization). Without
    # JavaScript the list fills when the form comes back («Show the officials»); with it, htmx
    # refills it when the category, the municipality or the address change.
    addressee = forms.ChoiceField(
        label=_("Addressed to"),
        required=False,
        help_text=_(
            "Optional: an official of the organization the appeal goes to. The organization "
            "depends on the category, the municipality and the address."
        ),
    )
    text = forms.CharField(
        label=_("What happened"),
        min_length=20,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={"rows": 8, "maxlength": TEXT_MAX_LENGTH, "data-counter": "text-counter"}
        ),
        help_text=_("Describe the problem and what you expect. Up to 5000 characters."),
    )
    files = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_(
            "Up to 5 files: JPEG, PNG or PDF, 10 MB each. Location data is removed from photos."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    is_public = forms.BooleanField(
        label=_("Make the problem public"),
        required=False,
        help_text=_(
            "Others will see on the public problems page: the category, the place, the photos, "
            "the status, the dates and the organization's answer. Never your name or contacts. "
            "The text is published only after a moderator has checked it and removed personal "
            "data. You can make the appeal private again at any time."
        ),
    )
    answer_by_email = forms.BooleanField(
        label=_("Send me the text of the answer by e-mail as well"),
        required=False,
        help_text=_("Without it the letter only says that the answer came; it is always here."),
    )
    # 59-FZ art. 4: other residents sign the appeal with its author until it is registered.
    is_collective = forms.BooleanField(
        label=_("Collective appeal"),
        required=False,
        help_text=_(
            "Other residents can sign the appeal with you until the moderator registers it: "
            "its page gives you a link to share. Only residents whose identity is verified "
            "through Gosuslugi can sign."
        ),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, region=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["section"].set_objects(section_list())
        self.fields["municipality"].set_objects(region_municipalities(region=region))
        self.fields["section"].widget.attrs.update(
            {
                "data-hx-get": str(reverse_lazy("appeals:category_options")),
                "data-hx-target": "#id_category",
                "data-hx-trigger": "change",
                "data-hx-swap": "innerHTML",
            }
        )
        self.fields["category"].widget.attrs.update(
            {
                "data-hx-get": str(reverse_lazy("appeals:term")),
                "data-hx-target": "#term-hint",
                "data-hx-trigger": "change",
                # The term depends on the body the appeal will go to: the municipality decides it.
                "data-hx-include": "this, #id_municipality",
            }
        )
        self.fields["text"].widget.attrs.update(
            {
                "data-hx-get": str(reverse_lazy("appeals:similar")),
                # input, not keyup: text from an input method or pasted with the mouse counts too
                "data-hx-trigger": "input changed delay:800ms",
                "data-hx-target": "#similar",
                "data-hx-include": "#id_category, #id_municipality",
            }
        )
        self.fields["address"].widget.attrs.update(
            {
                "data-hx-get": str(reverse_lazy("appeals:address_suggestions")),
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": "#address-suggestions",
                "data-hx-include": "#id_municipality",
                "data-address-suggest": "",
            }
        )
        self._set_addressees(region)
        self.fields["consent"].error_messages["required"] = _(
            "Without consent to personal data processing the appeal cannot be considered."
        )
        self.user = user
        domains = settings.ANSWER_EMAIL_DOMAINS
        if domains:
            self.fields["answer_by_email"].help_text = _(
                "Answers are e-mailed to addresses in these domains only: %(domains)s."
            ) % {"domains": ", ".join(domains)}

    def _set_addressees(self, region) -> None:
        """«Кому адресовано» offers the officials of the organization the bound data routes to.

        Worked out only when the list is shown or a chosen official is checked: a form sent
        without one costs no query for it.
        """
        self._region = region
        field = self.fields["addressee"]
        field.choices = lambda: addressee_choices(self.addressee_organization, self.officials)
        field.error_messages["invalid_choice"] = lazy(self._invalid_addressee, str)()
        field.widget.attrs.update(
            {
                "data-hx-get": str(reverse_lazy("appeals:addressee_options")),
                "data-hx-trigger": (
                    "change from:#id_category, change from:#id_municipality, "
                    "change from:#id_address"
                ),
                "data-hx-include": "#id_category, #id_municipality, #id_address, this",
                "data-hx-target": "this",
                "data-hx-swap": "innerHTML",
            }
        )

    @cached_property
    def addressee_organization(self) -> Organization | None:
        data = self.data if self.is_bound else {}
        return expected_organization(
            category_id=parse_pk(data.get("category")),
            municipality_id=parse_pk(data.get("municipality")),
            address="" if data.get("no_exact_address") else str(data.get("address", ""))[:300],
            region=self._region,
        )

    @cached_property
    def officials(self) -> list[Official]:
        organization = self.addressee_organization
        return list(listed_officials(organization_id=getattr(organization, "pk", None)))

    def _invalid_addressee(self) -> str:
        if self.addressee_organization is None:
            return _(
                "Choose the category and the municipality first: the list offers the officials "
                "of the organization the appeal goes to."
            )
        return _(
            "Choose an official of «%(organization)s» from the list, or address the appeal to "
            "the organization as a whole."
        ) % {"organization": self.addressee_organization}

    def clean_addressee(self) -> Official | None:
        chosen = self.cleaned_data.get("addressee")
        if not chosen:
            return None
        return next(official for official in self.officials if str(official.pk) == chosen)

    def clean_answer_by_email(self):
        wanted = self.cleaned_data["answer_by_email"]
        if wanted and self.user is not None and not answer_email_allowed(self.user):
            raise forms.ValidationError(
                _(
                    "The answer cannot be e-mailed to %(email)s: answers go by e-mail to "
                    "addresses in these domains only: %(domains)s. You will read it here."
                )
                % {"email": self.user.email, "domains": ", ".join(settings.ANSWER_EMAIL_DOMAINS)}
            )
        return wanted

    def _clean_point(self, cleaned: dict) -> None:
        # Hidden fields: their errors would point at nothing, so they become one message that
        # says what to do, and the bad point is dropped (the address is enough to file).
        bad_point = any(self.errors.pop(name, None) for name in ("latitude", "longitude"))
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if bad_point or (latitude is None) != (longitude is None):
            cleaned["latitude"] = cleaned["longitude"] = None
            # Rendered again empty: without JavaScript nobody could clear a hidden field.
            self.data = self.data.copy()
            self.data["latitude"] = self.data["longitude"] = ""
            self.add_error(
                None,
                _(
                    "The point on the map could not be read. Place it again, or file with the "
                    "address only."
                ),
            )

    def chosen_category(self) -> Category | None:
        """The valid category of a form that came back, for the term hint beside it."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        category = self.cleaned_data.get("category")
        return category if isinstance(category, Category) else None

    def clean_category(self):
        chosen = self.cleaned_data["category"]
        category = next((item for item in leaf_category_list() if item.pk == chosen), None)
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category

    def clean(self):
        data = super().clean()
        self._clean_point(data)
        address = (data.get("address") or "").strip()
        data["house"] = None
        if data.get("no_exact_address"):
            if not (data.get("place_description") or "").strip():
                self.add_error("place_description", _("Describe where the place is."))
        elif not address and "address" not in self.errors:
            self.add_error(
                "address",
                _("Enter the address, or tick «No exact address» and describe the place."),
            )
        elif data.get("municipality") is not None:
            # Without JavaScript (or without picking a suggestion) the typed text is matched with
            # the registry: one house fits → the appeal is linked to it; otherwise free text.
            data["house"] = match_house(text=address, municipality_id=data["municipality"].pk)
        return data


def addressee_choices(organization, officials) -> list:
    """«Кому адресовано»: the organization as a whole, then each of its listed officials."""
    if organization is None:
        whole = _("— the organization as a whole (choose the category and the municipality) —")
    else:
        whole = _("— «%(organization)s» as a whole —") % {"organization": organization}
    return [("", whole), *[(str(o.pk), f"{o.name}, {o.position}") for o in officials]]


def new_form_key() -> uuid.UUID:
    return uuid.uuid4()


def _files_field() -> MultipleFileField:
    """The citizen's files, as on the filing form (the limits are checked by content on storing)."""
    return MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_(
            "Up to 5 files: JPEG, PNG or PDF, 10 MB each. Location data is removed from photos."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class ClarificationReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your clarification"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = _files_field()
    # Files of a reply that came back with an error wait under this key (as on the filing form).
    draft_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, files_left: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("draft_key", uuid.uuid4())
        if files_left is not None:
            self.show_files_left(files_left)

    def show_files_left(self, left: int) -> None:
        self.fields["files"].help_text = ngettext(
            "JPEG, PNG or PDF, 10 MB each; %(left)s more file can be added to the appeal.",
            "JPEG, PNG or PDF, 10 MB each; %(left)s more files can be added to the appeal.",
            left,
        ) % {"left": left}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How do you rate the answer?"),
        coerce=int,
        choices=[
            (5, _("5 — excellent")),
            (4, _("4 — good")),
            (3, _("3 — satisfactory")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect,
    )
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """FastSelect's markup for a list of several choices (read with getlist)."""


def _copies_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Copies to other competent organizations"),
        help_text=_(
            "When the appeal concerns questions of several organizations: each one chosen gets a "
            "copy for its part, with its own term, and answers it in its own queue. The citizen "
            "follows one appeal and gets one notice when all have answered. Hold Ctrl (⌘ on a "
            "Mac) to choose several."
        ),
        widget=FastSelectMultiple(attrs={"size": 6}),
    )


class AcceptForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Responsible organization"), widget=FastSelect
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, choices=(), widget=FastSelect
    )
    copies = _copies_field()
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = active_organizations(region_id=getattr(region, "pk", None)).order_by("name")
        self.fields["organization"].queryset = organizations
        self.fields["copies"].queryset = organizations
        self.fields["category"].choices = category_choices()

    def clean_category(self):
        category = Category.objects.filter(
            pk=self.cleaned_data["category"], parent__isnull=False
        ).first()
        if category is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return category

    def clean(self):
        data = super().clean()
        lead, copies = data.get("organization"), data.get("copies") or []
        if lead is not None and lead in copies:
            self.add_error(
                "copies",
                _("«%(organization)s» is the responsible organization: it needs no copy.")
                % {"organization": lead},
            )
        return data


class CopiesForm(forms.Form):
    """Copies of a registered appeal, from the moderation page."""

    copies = _copies_field()
    comment = forms.CharField(
        label=_("Comment for the organizations"), required=False, max_length=2000
    )

    def __init__(self, *args, appeal, **kwargs):
        kwargs.setdefault("auto_id", "id_copies_%s")
        super().__init__(*args, **kwargs)
        self.fields["copies"].required = True
        self.fields["copies"].error_messages["required"] = _(
            "Choose at least one organization to send a copy to."
        )
        self.fields["copies"].queryset = (
            active_organizations(region_id=appeal.region_id)
            .exclude(pk=appeal.organization_id)
            .order_by("name")
        )


class ComplainedOfficialForm(forms.Form):
    """The moderator marks the appeal as a complaint about an official's actions."""

    official = forms.ModelChoiceField(
        queryset=Official.objects.none(),
        label=_("Official whose actions the appeal complains about"),
        empty_label=_("— choose the official —"),
        help_text=_(
            "They will not be able to take the appeal, be assigned it, answer it or sign the "
            "answer."
        ),
    )

    def __init__(self, *args, organization_ids, **kwargs):
        kwargs.setdefault("auto_id", "id_complained_%s")
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = (
            Official.objects.filter(organization_id__in=organization_ids)
            .select_related("organization")
            .order_by("organization__name", "order", "name", "pk")
        )
        self.fields["official"].label_from_instance = lambda official: (
            f"{official.name}, {official.position} ({official.organization})"
        )


class RejectForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", _("— choose a ground —")), *Ground.choices]
    )
    comment = forms.CharField(
        label=_("Comment for the citizen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the accept and duplicate forms, which also have a `comment`: unique ids.
        kwargs.setdefault("auto_id", "id_reject_%s")
        super().__init__(*args, **kwargs)


class DuplicateForm(forms.Form):
    original_number = forms.CharField(label=_("Number of the original appeal"), max_length=20)
    comment = forms.CharField(label=_("Comment for the citizen"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_duplicate_%s")
        super().__init__(*args, **kwargs)


class DocumentsForm(ClarificationReplyForm):
    """Explanations and documents the citizen adds to an appeal under review (59-FZ art. 5)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_documents_%s")
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Explanation")
        self.fields["text"].required = False


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the review of the appeal stops and it is closed."),
        error_messages={"required": _("Confirm that the review should stop.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_withdraw_%s")
        super().__init__(*args, **kwargs)


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("What is wrong with the answer"),
        min_length=20,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The complaint goes to the supervising body as a new appeal with its own number and "
            "term; never to the organization that answered."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_complaint_%s")
        super().__init__(*args, **kwargs)
