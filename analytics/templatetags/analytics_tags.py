from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value, digits=1):
    """0.873 → «87,3 %»; None → «—»."""
    if value is None:
        return "—"
    return f"{number_format(100 * value, int(digits))} %"


@register.filter
def decimal(value, digits=2):
    if value is None:
        return "—"
    return number_format(value, int(digits))


@register.filter
def figure(value, name):
    """A headline value in the unit of its figure."""
    if value is None:
        return "—"
    if name.endswith("_share"):
        return percent(value)
    if name == "average_rating":
        return number_format(value, 2)
    return number_format(value, 0, force_grouping=True)


@register.filter
def signed_percent(value):
    if value is None:
        return ""
    return f"{'+' if value > 0 else ''}{number_format(100 * value, 1)} %"


@register.filter
def get(mapping, key):
    return mapping.get(key)
