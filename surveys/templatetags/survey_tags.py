from django import template

from surveys.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    return render_markdown(text or "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
