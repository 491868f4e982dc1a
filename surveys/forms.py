from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.input import LocalDateTimeField, parse_pks
from organizations.models import Municipality
from surveys import permissions
from surveys.models import Audience, Comment, Discussion, Question, Reaction, Survey


def _capitalised(choices):
    """Model choice labels are lower case (they also go mid-sentence); radio buttons start with a capital."""
    return [(value, capfirst(label)) for value, label in choices]


class _ConsultationForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Organization"), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=_capitalised(Audience.choices),
        widget=forms.RadioSelect,
        initial=Audience.REGION,
    )
    municipalities = forms.ModelMultipleChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Municipalities"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for the audience «chosen municipalities»."),
    )
    opens_at = LocalDateTimeField(label=_("Opens"))
    closes_at = LocalDateTimeField(label=_("Closes"))

    def __init__(self, *args, user, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = permissions.organizer_organizations(user)
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            region=region
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        if data.get("audience") == Audience.MUNICIPALITIES and not data.get("municipalities"):
            self.add_error("municipalities", _("Choose at least one municipality."))
        return data


class SurveyForm(_ConsultationForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=_capitalised(Survey.Kind.choices),
        widget=forms.RadioSelect,
        initial=Survey.Kind.POLL,
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG or PNG, up to 10 MB; location data is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    eligibility = forms.ChoiceField(
        label=_("Who may take part"),
        choices=_capitalised(Survey.Eligibility.choices),
        widget=forms.RadioSelect,
        initial=Survey.Eligibility.CONFIRMED_EMAIL,
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: results and exports never name the respondent"),
        required=False,
        initial=True,
    )
    results_visibility = forms.ChoiceField(
        label=_("Results of a poll"),
        choices=_capitalised(Survey.ResultsVisibility.choices),
        widget=forms.RadioSelect,
        initial=Survey.ResultsVisibility.AFTER_CLOSE,
        help_text=_("A vote shows its results to nobody, organizers included, before it closes."),
    )
    field_order = [
        "organization",
        "kind",
        "title",
        "description",
        "image",
        "audience",
        "municipalities",
        "opens_at",
        "closes_at",
        "eligibility",
        "is_anonymous",
        "results_visibility",
    ]

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Survey.Kind.VOTE
            and data.get("results_visibility") == Survey.ResultsVisibility.LIVE
        ):
            self.add_error(
                "results_visibility", _("A vote shows its results only after it closes.")
            )
        return data


class DiscussionForm(_ConsultationForm):
    document = forms.FileField(
        label=_("Document file"),
        required=False,
        help_text=_("The draft as PDF (or JPEG/PNG), up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    moderation = forms.ChoiceField(
        label=_("Moderation of comments"),
        choices=_capitalised(Discussion.Moderation.choices),
        widget=forms.RadioSelect,
        initial=Discussion.Moderation.POST,
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Explanation"), max_length=500, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of answer"),
        choices=_capitalised(Question.Kind.choices),
        widget=forms.RadioSelect,
        initial=Question.Kind.SINGLE,
    )
    is_required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    max_choices = forms.IntegerField(
        label=_("Multiple choice: at most this many options"),
        required=False,
        min_value=1,
        max_value=50,
    )
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1, min_value=-10, max_value=10)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5, min_value=-9, max_value=100)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For choice questions. Descriptions and pictures can be added to each "
            "option afterwards."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") in Question.CHOICE_KINDS:
            data["option_lines"] = [
                line for line in (data.get("options") or "").splitlines() if line.strip()
            ]
        if (
            data.get("scale_min") is not None
            and data.get("scale_max") is not None
            and data["scale_max"] <= data["scale_min"]
        ):
            self.add_error("scale_max", _("The end of the scale must be greater than its start."))
        return data


class OptionForm(forms.Form):
    text = forms.CharField(label=_("Option"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    image = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    image_alt = forms.CharField(
        label=_("What the picture shows"),
        required=False,
        max_length=300,
        help_text=_("For people who cannot see it."),
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists with «-», links [text](https://…)."),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    section = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class ComplaintForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with this comment"), max_length=500)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publish", _("Publish")), ("reject", _("Remove"))])
    reason = forms.CharField(label=_("Reason (required to remove)"), max_length=500, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("— choose —")), *Comment.Decision.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the discussion"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SubscriptionForm(forms.Form):
    new_in_municipality = forms.BooleanField(
        label=_("New polls, votes and discussions in my municipality"), required=False
    )
    discussion_reports = forms.BooleanField(
        label=_("Final reports of discussions I commented on"), required=False
    )


def parse_answers(survey: Survey, data) -> dict[int, object]:
    """The posted answers by question id, loosely typed; the service validates them."""
    answers: dict[int, object] = {}
    for question in survey.questions.all():
        name = f"q{question.pk}"
        if question.is_choice:
            answers[question.pk] = parse_pks(data.getlist(name))
        elif question.kind == Question.Kind.SCALE:
            raw = data.get(name, "").strip()
            try:
                answers[question.pk] = int(raw) if raw else None
            except ValueError:
                answers[question.pk] = raw  # refused by the service as out of the scale
        else:
            answers[question.pk] = data.get(name, "")
    return answers
