"""Forms of the staff work place."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.forms import MultipleFileField, MultipleFileInput, category_choices
from appeals.models import Ground, WorkStatus
from appeals.selectors.staff import SORTS, TABS, QueueFilter
from core.fields import PlainQueryModelChoiceField
from core.input import BoundedDateField
from core.widgets import FastSelect
from organizations.models import Municipality, Organization
from regimes.models import Outcome

TAB_LABELS = {
    "open": _("Open"),
    "new": _("New"),
    "in_progress": _("In progress"),
    "waiting": _("Waiting for the citizen"),
    "answered": _("Answered"),
    "overdue": _("Overdue"),
    "due_soon": _("Due within 3 days"),
    "all": _("All"),
}


class QueueFilterForm(forms.Form):
    tab = forms.ChoiceField(
        choices=[(tab, TAB_LABELS[tab]) for tab in TABS], required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Number, words of the text or the address."),
    )
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=(),
        widget=FastSelect,
    )
    municipality = PlainQueryModelChoiceField(
        queryset=Municipality.objects.order_by("name"),
        required=False,
        label=_("Municipality"),
        empty_label=_("— any —"),
        widget=FastSelect,
    )
    executor = PlainQueryModelChoiceField(
        queryset=None,
        required=False,
        label=_("Executor"),
        empty_label=_("— anyone —"),
        widget=FastSelect,
    )
    received_from = BoundedDateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = BoundedDateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("due", _("Nearest deadline first")),
            ("received", _("Newest first")),
            ("relevance", _("Relevance")),
            ("supporters", _("Most supported first")),
        ],
        widget=FastSelect,
    )

    def __init__(self, *args, executors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors
        self.fields["executor"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )
        self.fields["category"].choices = [("", _("— any —")), *category_choices()[1:]]

    def to_filter(self) -> QueueFilter:
        # A field in error is left out; the other filters still apply (and the error is shown).
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return QueueFilter(
            tab=data.get("tab") or "open",
            category_id=data.get("category"),
            municipality_id=getattr(data.get("municipality"), "pk", None),
            executor_id=getattr(data.get("executor"), "pk", None),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            q=data.get("q") or "",
            sort=data.get("sort") if data.get("sort") in SORTS else "due",
        )


class ActionForm(forms.Form):
    """The appeal page holds several action forms: each gets its own element ids (same field names)."""

    id_prefix = "action"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class OutcomeMixin:
    """The result of the review the answer states, among those the appeal's regime allows.

    `outcomes`: the allowed values (all when not given); the service checks them again.
    """

    def _limit_outcomes(self, outcomes) -> None:
        allowed = list(outcomes) if outcomes else list(Outcome.values)
        self.fields["outcome"].choices = [
            ("", _("— choose the result —")),
            *[(value, label) for value, label in Outcome.choices if value in allowed],
        ]


def outcome_field():
    return forms.ChoiceField(
        label=_("Result of the review"),
        choices=[("", _("— choose the result —")), *Outcome.choices],
        widget=FastSelect,
        help_text=_("It goes into the answer and into the reports (ССТУ)."),
    )


class WorkOnSiteMixin(forms.Form):
    """Proof of fix (appeals/services/fixes.py): the work on site the answer states. The service
    checks it again against the category and the files; the form explains what it can at once."""

    work_status = forms.ChoiceField(
        label=_("Work on site"),
        required=False,
        choices=[("", _("not stated")), *WorkStatus.choices],
        widget=forms.RadioSelect,
        help_text=_(
            "Required for categories about physical things. Done: attach a photo or an act; "
            "planned: give the date."
        ),
    )
    planned_on = BoundedDateField(
        label=_("Work planned on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        planned = data.get("work_status") == WorkStatus.PLANNED
        if planned and not data.get("planned_on") and "planned_on" not in self.errors:
            self.add_error("planned_on", _("Give the date the work is planned for."))
        return data


class AnswerForm(OutcomeMixin, WorkOnSiteMixin, ActionForm):
    id_prefix = "answer"

    text = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    outcome = outcome_field()
    files = MultipleFileField(
        label=_("Files of the answer"),
        required=False,
        help_text=_("Up to 5 files: JPEG, PNG or PDF, 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    field_order = ["text", "outcome", "work_status", "planned_on", "files"]

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_outcomes(outcomes)


class ClarifyForm(ActionForm):
    id_prefix = "clarify"
    text = forms.CharField(
        label=_("What needs clarifying"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RedirectForm(ActionForm):
    id_prefix = "redirect"
    organization = PlainQueryModelChoiceField(
        queryset=Organization.objects.none(), label=_("Competent organization"), widget=FastSelect
    )
    reason = forms.CharField(
        label=_("Reason for the citizen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


class ExtendForm(ActionForm):
    id_prefix = "extend"
    days = forms.IntegerField(label=_("Extend by, days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason for the citizen"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(ActionForm):
    id_prefix = "note"
    text = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the organization and the moderator only."),
    )


class AssignForm(ActionForm):
    id_prefix = "assign"
    executor = PlainQueryModelChoiceField(queryset=None, label=_("Executor"), widget=FastSelect)

    def __init__(self, *args, executors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor"].queryset = executors
        self.fields["executor"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


class CloseForm(ActionForm):
    id_prefix = "close"
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=[("", _("— choose a ground —")), *Ground.choices],
        widget=FastSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the citizen"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IncidentForm(forms.Form):
    """A new incident: its title and description; the organization only when the appeals have
    none yet (still on moderation)."""

    title = forms.CharField(
        label=_("Title of the incident"),
        max_length=200,
        help_text=_("For example: «Прорыв теплотрассы на ул. Ленинской»."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        label=_("Responsible organization"),
        empty_label=_("— choose —"),
        widget=FastSelect,
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].required = True


class IncidentAnswerForm(WorkOnSiteMixin, forms.Form):
    text = forms.CharField(
        label=_("Answer to every appeal of the incident"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    outcome = outcome_field()
    files = MultipleFileField(
        label=_("Files of the answer"),
        required=False,
        help_text=_("Up to 5 files: JPEG, PNG or PDF, 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    field_order = ["text", "outcome", "work_status", "planned_on", "files"]


class IncidentAddForm(forms.Form):
    number = forms.CharField(label=_("Number of the appeal to add"), max_length=20)


class SignForm(OutcomeMixin, ActionForm):
    """The signer releases the waiting answer, as written or corrected."""

    id_prefix = "sign"
    text = forms.CharField(
        label=_("Answer to the citizen"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    outcome = outcome_field()

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_outcomes(outcomes)


class ReturnForReworkForm(ActionForm):
    id_prefix = "rework"
    comment = forms.CharField(
        label=_("What to change"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PostingForm(ActionForm):
    id_prefix = "posting"
    posted_on = BoundedDateField(
        label=_("Sent by post on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    tracking = forms.CharField(label=_("Postal tracking number"), max_length=40, required=False)
