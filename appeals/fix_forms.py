"""Forms of the proof of fix: the citizen's «Не решено» and the month of «Вы сказали — мы сделали»."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.forms import MultipleFileField, MultipleFileInput
from appeals.models import TEXT_MAX_LENGTH
from appeals.services.fixes import REFUTATION_MIN_LENGTH


class RefuteFixForm(forms.Form):
    comment = forms.CharField(
        label=_("What is not done"),
        min_length=REFUTATION_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(
        label=_("Photo of the place now"),
        required=False,
        help_text=_("Optional: JPEG or PNG, up to 10 MB. Counts towards the appeal's five files."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_refute_%s")
        super().__init__(*args, **kwargs)


class DoneMonthForm(forms.Form):
    """The month of the «Вы сказали — мы сделали» page (`YYYY-MM`); the current one by default."""

    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class WorkDoneForm(forms.Form):
    """The organization reports planned work on site done: a photo or an act is required."""

    files = MultipleFileField(
        label=_("Photo or act of the work done"),
        help_text=_("JPEG, PNG or PDF, up to 10 MB each. Counts towards the appeal's five files."),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    comment = forms.CharField(
        label=_("Comment for the citizen"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_work_done_%s")
        super().__init__(*args, **kwargs)
