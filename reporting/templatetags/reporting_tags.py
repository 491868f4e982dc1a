from django import template

from appeals import permissions
from reporting.forms import TopicForm

register = template.Library()


@register.inclusion_tag("reporting/includes/topic_form.html", takes_context=True)
def topic_form(context, appeal):
    """The form correcting an appeal's classifier heading, for its organization's staff and the
    region's moderator once it is registered (no query: the headings are kept per process)."""
    user = context["request"].user
    shown = appeal.registered_at is not None and (
        permissions.can_work_on(user, appeal) or permissions.can_moderate(user, appeal)
    )
    return {
        "appeal": appeal,
        "shown": shown,
        "form": TopicForm(initial={"topic": appeal.topic_id}) if shown else None,
        "csrf_token": context.get("csrf_token"),
    }
