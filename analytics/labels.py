from django.utils.translation import gettext_lazy as _

from analytics.models import GroundRollup
from appeals.models import Ground

FIGURE_LABELS = {
    "received": _("Received"),
    "registered": _("Registered"),
    "rejected": _("Rejected at moderation"),
    "closed_on_ground": _("Closed without an answer on the merits"),
    "redirected": _("Redirected"),
    "answered": _("Answered"),
    "on_time_share": _("Answered on time"),
    "overdue_end": _("Overdue at period end"),
    "overdue_now": _("Overdue now"),
    "median_hours": _("Median answer time, hours"),
    "p90_hours": _("90% answered within, hours"),
    "ratings": _("Ratings"),
    "average_rating": _("Average rating"),
    "solved_share": _("Problem solved, by ratings"),
    "rereviews": _("Re-reviews"),
    "not_rated": _("Closed without a rating"),
}


def code_labels() -> dict:
    return {**dict(Ground.choices), **dict(GroundRollup.Kind.choices)}
