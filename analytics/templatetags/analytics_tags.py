"""Number formatting for the statistics pages, built for tables of hundreds of cells: Django's
number_format re-reads the locale's formats on every call."""

from html import escape

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

register = template.Library()


def _number(value, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u00a0").replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def percent(value, digits=1):
    """0.873 → «87,3 %»; None → «—»."""
    if value is None:
        return "—"
    return f"{_number(100 * value, int(digits))}\u00a0%"


@register.filter
def decimal(value, digits=2):
    if value is None:
        return "—"
    return _number(value, int(digits))


@register.filter
def figure(value, name):
    """A headline value in the unit of its figure."""
    if value is None:
        return "—"
    if name.endswith("_share"):
        return percent(value)
    if name == "average_rating":
        return _number(value, 2)
    return _number(value, 0)


@register.filter
def signed_percent(value):
    if value is None:
        return ""
    return f"{'+' if value > 0 else ''}{_number(100 * value, 1)}\u00a0%"


@register.filter
def get(mapping, key):
    return mapping.get(key)


@register.filter
def select_options(field):
    """The <option>s of a choice field, built in Python: a select of 769 organizations rendered
    through the widget templates would cost more than the rest of the page."""
    current = "" if field.value() is None else str(field.value())
    return mark_safe(  # noqa: S308 — every value and label is escaped here
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>{escape(str(label))}</option>'
            for value, label in field.field.choices
        )
    )
