"""Field groups rendered in Python (core.fields.FastBoundField) give Django's own markup."""

import re
import uuid

import pytest
from django import forms
from django.forms.boundfield import BoundField

from appeals.forms import AppealForm
from core.fields import FastBoundField

pytestmark = pytest.mark.django_db


def _markup(form) -> str:
    html = "".join(str(form[name].as_field_group()) for name in form.fields)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _both(form_class, *args, **kwargs) -> tuple[str, str]:
    rendered = []
    for bound_field_class in (BoundField, FastBoundField):
        form = form_class(*args, **kwargs)
        form.bound_field_class = bound_field_class
        if form.is_bound:
            form.is_valid()
        rendered.append(_markup(form))
    return rendered[0], rendered[1]


def test_the_filing_form_renders_as_with_django_templates(region):
    django, fast = _both(AppealForm, region=region, initial={"idempotency_key": uuid.UUID(int=1)})
    assert fast == django
    assert '<label for="id_address">Адрес проблемы:</label>' in fast


def test_errors_help_texts_and_fieldsets_render_as_with_django_templates(region):
    class Choice(forms.Form):
        kind = forms.ChoiceField(
            choices=[("a", "А"), ("b", "Б")], widget=forms.RadioSelect, help_text="Одно из двух"
        )
        note = forms.CharField(label="Заметка?", help_text="<b>до 10</b> знаков", max_length=10)

    django, fast = _both(Choice, {"note": "слишком длинный текст"})
    assert fast == django
    assert "<fieldset" in fast and 'class="errorlist"' in fast
    django, fast = _both(AppealForm, {"text": "коротко", "category": "0"}, region=region)
    assert fast == django
