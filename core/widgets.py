"""Form widgets rendered in Python: Django renders each <option> through a template, which costs
milliseconds on a select of a few dozen options on every page view."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """Django's select markup without its per-option dictionaries (`optgroups`/`create_option`
    build, copy and translate a dictionary of attributes for each option)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = self.format_value(value)
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
                parts.append(format_html('<optgroup label="{}">', group_name))
            else:
                group_name, options = None, ((option_value, option_label),)
            for sub_value, sub_label in options:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    sub_value
                ) in chosen
                has_selected |= selected
                parts.append(
                    f'<option value="{conditional_escape(sub_value)}"'
                    f"{' selected' if selected else ''}>{conditional_escape(sub_label)}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every piece above is escaped
