from django import template
from django.utils import timezone

from appeals.models import Appeal

register = template.Library()


@register.inclusion_tag("appeals/includes/deadline.html")
def deadline(appeal: Appeal):
    """The deadline in words and colour: "3 days left", "due today", "overdue by 2 days"."""
    if appeal.due_at is None or appeal.status not in Appeal.OPEN_STATUSES:
        return {"kind": "none", "due": appeal.due_at}
    now = timezone.now()
    days = (timezone.localdate(appeal.due_at) - timezone.localdate(now)).days
    if appeal.due_at < now:
        return {"kind": "overdue", "days": max(1, -days), "due": appeal.due_at}
    if days == 0:
        return {"kind": "today", "due": appeal.due_at}
    return {"kind": "soon" if days <= 3 else "ok", "days": days, "due": appeal.due_at}
