from django import forms
from django.utils.translation import gettext_lazy as _

from answers.models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, TITLE_MAX_LENGTH
from core.widgets import FastSelect
from organizations.models import Category, Organization


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.parent.name} → {obj.name}"


class PublishedAnswerForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Organization"),
        empty_label=_("— choose the organization —"),
        widget=FastSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("The question in a few words, as residents would put it."),
    )
    question = forms.CharField(
        label=_("Question"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX_LENGTH}),
    )
    answer = forms.CharField(
        label=_("Answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": ANSWER_MAX_LENGTH}),
    )
    category = CategoryChoiceField(
        queryset=Category.objects.none(),
        label=_("Category (optional)"),
        required=False,
        empty_label=_("— any —"),
        widget=FastSelect,
    )

    def __init__(self, *args, organizations=None, **kwargs):
        """`organizations`: the choice for a new answer; None when editing (the organization stays)."""
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(parent__isnull=False)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        if organizations is None:
            del self.fields["organization"]
            return
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[organization.pk for organization in organizations]
        ).order_by("name")
        if len(organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations[0].pk


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), required=False, max_length=200)
