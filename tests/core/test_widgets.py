"""FastSelect renders Django's select markup without Django's per-option templates."""

import re

import pytest
from django import forms

from core.widgets import FastSelect

CHOICES = [
    ("", "— choose —"),
    ("Group <1>", [(1, "A & B"), (2, "C")]),
    (None, "none"),
    (3, "D"),
]


def _normal(html: str) -> tuple:
    """The markup without the whitespace between tags and with the select's attributes sorted
    (Django's template puts each option on a line and keeps the attributes in dict order)."""
    html = re.sub(r">\s+<", "><", html).strip()
    opening, rest = html.split(">", 1)
    return sorted(re.findall(r'\s([\w-]+(?:="[^"]*")?)', opening)), rest


@pytest.mark.parametrize("value", [None, "", 2, "2", 3, "missing"])
def test_the_markup_is_djangos(value):
    attrs = {"id": "id_field", "required": True, "data-x": 'a"b'}
    fast = FastSelect(choices=CHOICES).render("field", value, attrs)
    assert _normal(fast) == _normal(forms.Select(choices=CHOICES).render("field", value, attrs))


def test_only_the_first_matching_option_is_selected():
    html = FastSelect(choices=[(1, "a"), ("1", "b")]).render("field", 1)
    assert html.count(" selected") == 1 and '<option value="1" selected>a' in html


WIDGETS = [
    (forms.TextInput(attrs={"maxlength": 300, "data-q": 'a"<b>'}), 'ул. "Мира" <5>'),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.EmailInput(), "a@b.ru"),
    (forms.HiddenInput(), "7f1c"),
    (forms.NumberInput(attrs={"min": 1, "max": 30}), 15),
    (forms.DateInput(attrs={"type": "date"}), "2026-12-02"),
    (forms.PasswordInput(), "secret"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.FileInput(attrs={"accept": "image/png"}), None),
    (forms.Textarea(attrs={"rows": 8, "data-counter": "c"}), "Текст <b>&</b>\nвторая строка"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS)
def test_python_widget_templates_give_djangos_markup(widget, value):
    from django.forms.renderers import DjangoTemplates

    from core.fields import FastFormRenderer

    attrs = {"id": "id_x", "required": True, "disabled": False}
    fast = widget.render("x", value, attrs, renderer=FastFormRenderer())
    django = widget.render("x", value, attrs, renderer=DjangoTemplates())
    assert fast == django
