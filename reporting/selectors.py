"""Reads of the classifier (the monthly report's figures are in reporting/report.py)."""

from django.db.models import QuerySet

from core.memo import VersionedMemo
from reporting.models import CategoryTopic, Topic

# The headings staff may choose for an appeal: a few hundred rows read by every staff appeal
# page, kept in each process and dropped when the classifier changes (reporting/signals.py).
TOPICS = VersionedMemo("reporting-topics")


def topic_id_for(*, category_id: int) -> int | None:
    """The classifier heading an appeal of this category is reported under; None if unmapped."""
    return (
        CategoryTopic.objects.filter(category_id=category_id)
        .values_list("topic_id", flat=True)
        .first()
    )


def topic_by_code(*, code: str) -> Topic | None:
    return Topic.objects.filter(code=code.strip()).first()


def questions() -> QuerySet[Topic]:
    """The headings an appeal may carry: questions and sub-questions of the current edition."""
    return Topic.objects.filter(is_active=True, code__regex=r"^\d{4}(\.\d{4}){3,4}$")


def question_choices() -> list[tuple[int, str]]:
    """(id, "code name") of `questions()`, by code, from the per-process copy."""
    return TOPICS.get(
        "questions", lambda: [(topic.pk, str(topic)) for topic in questions().order_by("code")]
    )
