"""Form fields that cost little: options already in memory (no query to render or validate them),
field groups rendered in Python (no template per field)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext


class InMemoryModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are a list given with `set_objects` (reference data kept
    in memory, organizations.selectors). Assigning a `queryset` makes it a plain ModelChoiceField
    again (a form that narrows the options with a query)."""

    objects: list | None = None

    def set_objects(self, objects) -> None:
        self.objects = list(objects)
        self.widget.choices = self.choices

    def _set_queryset(self, queryset):
        self.objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def _get_choices(self):
        if self.objects is None:
            return super()._get_choices()
        choices = [("", self.empty_label)] if self.empty_label is not None else []
        return choices + [(item.pk, self.label_from_instance(item)) for item in self.objects]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def to_python(self, value):
        if self.objects is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        value = str(getattr(value, "pk", value))
        for item in self.objects:
            if str(item.pk) == value:
                return item
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )

    def validate(self, value):
        forms.Field.validate(self, value)


class _PlainQueryIterator(ModelChoiceIterator):
    """Django's iterator reads the options with `QuerySet.iterator()`, which on PostgreSQL is a
    server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a select of 20 options.
    A plain evaluation is one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class PlainQueryModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are read in one round trip (a short list only)."""

    iterator = _PlainQueryIterator


class FastBoundField(BoundField):
    """`as_field_group` and `label_tag` in Python, with the markup of Django's field.html and
    label.html: a filing form renders each field through three or four templates otherwise,
    milliseconds per page view. Set as a form's `bound_field_class`."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in gettext(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = dict(attrs or {})
            attrs["class"] = " ".join(
                filter(None, [attrs.get("class"), self.form.required_css_class])
            )
        tag = tag or "label"
        return format_html("<{}{}>{}</{}>", tag, flatatt(attrs or {}), contents, tag)

    def as_field_group(self):
        parts = []
        if self.use_fieldset:
            described = self.aria_describedby
            parts.append(
                format_html('<fieldset aria-describedby="{}">', described)
                if described
                else "<fieldset>"
            )
            if self.label:
                parts.append(self.legend_tag())
        elif self.label:
            parts.append(self.label_tag())
        if self.help_text:
            parts.append(
                format_html(
                    '<div class="helptext"{}>{}</div>',
                    format_html(' id="{}_helptext"', self.auto_id) if self.auto_id else "",
                    mark_safe(str(self.help_text)),  # noqa: S308 — as Django's |safe in field.html
                )
            )
        if self.errors:
            parts.append(str(self.errors))
        parts.append(str(self))
        if self.use_fieldset:
            parts.append("</fieldset>")
        return mark_safe("\n".join(parts))  # noqa: S308 — every piece above is escaped


# Django's widget templates that are its input.html (text, e-mail, hidden, number, date, file…).
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "email",
        "hidden",
        "number",
        "date",
        "datetime",
        "time",
        "password",
        "url",
        "search",
        "tel",
        "color",
        "checkbox",
        "file",
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name only."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    if value and not isinstance(value, str):  # as {{ widget.value }} shows a number or a date
        value = localize(template_localtime(value))
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


class FastFormRenderer(DjangoTemplates):
    """The default renderer, with `FastBoundField` for every form (settings.FORM_RENDERER), and
    Django's input and textarea widget templates written in Python (same markup): a template per
    widget was a millisecond per form on the filing and appeal pages."""

    bound_field_class = FastBoundField

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in _INPUT_TEMPLATES:
                return mark_safe(_input(widget))  # noqa: S308 — every piece is escaped
            if template_name == _TEXTAREA_TEMPLATE:
                return mark_safe(_textarea(widget))  # noqa: S308 — every piece is escaped
        return super().render(template_name, context, request)
