"""Tags used in every row of the appeal lists: rendered in Python (an included template per row
costs more than the rest of the row)."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from appeals.models import Appeal

register = template.Library()


@register.simple_tag
def status_badge(appeal: Appeal):
    return format_html(
        '<span class="status status-{}">{}</span>', appeal.status, appeal.get_status_display()
    )


@register.simple_tag
def deadline(appeal: Appeal):
    """The deadline in words and colour: "3 days left", "due today", "overdue by 2 days"."""
    if appeal.due_at is None:
        return "—"
    if appeal.status not in Appeal.OPEN_STATUSES:
        return formats.date_format(timezone.localtime(appeal.due_at), "d.m.Y")
    now = timezone.now()
    days = (timezone.localdate(appeal.due_at) - timezone.localdate(now)).days
    if appeal.due_at < now:
        late = max(1, -days)
        text = ngettext("overdue by %(days)s day", "overdue by %(days)s days", late) % {
            "days": late
        }
        return format_html('<span class="deadline deadline-overdue">{}</span>', text)
    if days == 0:
        return format_html('<span class="deadline deadline-soon">{}</span>', gettext("due today"))
    text = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    return format_html(
        '<span class="deadline deadline-{}">{}</span>', "soon" if days <= 3 else "ok", text
    )
