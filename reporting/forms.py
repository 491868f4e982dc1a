from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect
from reporting.selectors import question_choices


class TopicForm(forms.Form):
    topic = forms.TypedChoiceField(
        label=_("Classifier heading"),
        coerce=int,
        widget=FastSelect,
        help_text=_("The Decree 171 report counts the appeal under this heading."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("— choose the heading —")), *question_choices()]
