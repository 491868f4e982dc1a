"""Forms of the quality review: release, return for rework naming the criteria, judge a low-rated
answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quality.selectors import active_criteria


class ReviewForm(forms.Form):
    """The review page holds several forms: each gets its own element ids."""

    id_prefix = "review"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ReleaseForm(ReviewForm):
    id_prefix = "release"
    comment = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(ReviewForm):
    id_prefix = "return"
    criteria = forms.ModelMultipleChoiceField(
        label=_("What the answer lacks"),
        queryset=active_criteria(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one criterion the answer does not meet."),
            "invalid_choice": _("Choose the criteria from the list."),
            "invalid_pk_value": _("Choose the criteria from the list."),
        },
    )
    comment = forms.CharField(
        label=_("Comment to the organization"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly to change; the executor reads it with the criteria."),
    )


class FormalForm(ReturnForm):
    """A released answer rated 2 or lower found formal (the answer judged rides along)."""

    id_prefix = "formal"
    answer = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(ReviewForm):
    id_prefix = "confirm"
    answer = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
