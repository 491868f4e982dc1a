"""Reads of the quality gate: the reviewer's queue, one appeal under review, the staff page's
return panel and the per-organization counts of the analytics."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from appeals.models import Answer, AnswerDraft, Appeal
from appeals.permissions import moderated_region_ids
from appeals.services.citizen import LOW_SCORE
from quality.models import AnswerReview, ReworkCriterion
from quality.permissions import curated_organization_ids


def _scope_q(user, prefix: str = "") -> Q:
    """The appeals `user` reviews: their moderated regions and curated organizations."""
    return Q(**{f"{prefix}region_id__in": moderated_region_ids(user)}) | Q(
        **{f"{prefix}organization_id__in": curated_organization_ids(user)}
    )


def held_answers(*, user) -> QuerySet[AnswerDraft]:
    """Answers waiting for the review before release, oldest first."""
    return (
        AnswerDraft.objects.filter(
            _scope_q(user, "appeal__"), stage=AnswerDraft.Stage.REVIEW, returned_at__isnull=True
        )
        .select_related("appeal__category", "appeal__organization", "author")
        .order_by("created_at", "pk")
    )


def low_rated_answers(*, user) -> QuerySet[Answer]:
    """Released answers rated 2 or lower that no reviewer has judged yet, oldest rating first."""
    judged = AnswerReview.objects.filter(
        answer=OuterRef("pk"), stage=AnswerReview.Stage.AFTER_RATING
    )
    return (
        Answer.objects.filter(_scope_q(user, "appeal__"), rating__score__lte=LOW_SCORE)
        .filter(~Exists(judged))
        .select_related("appeal__category", "organization", "rating")
        .order_by("rating__created_at", "pk")
    )


def awaiting_rework(*, user) -> QuerySet[AnswerReview]:
    """Answers returned for rework whose new version has not come yet, the earliest term first."""
    return (
        AnswerReview.objects.filter(
            _scope_q(user),
            decision__in=AnswerReview.RETURNS,
            reworked_at__isnull=True,
            due_at__isnull=False,
        )
        .select_related("appeal", "organization")
        .order_by("due_at", "pk")
    )


def _with_criteria(reviews: QuerySet) -> QuerySet:
    return reviews.select_related("reviewer").prefetch_related(
        Prefetch("criteria", queryset=ReworkCriterion.objects.order_by("order", "pk"))
    )


def get_appeal_for_review(*, user, number: str) -> Appeal:
    """One appeal of the reviewer's scope with what the review needs; anything else is a 404."""
    appeal = (
        Appeal.objects.filter(_scope_q(user), number=number)
        .select_related("category__parent", "organization", "municipality", "region")
        .prefetch_related("attachments")
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal


def reviews_of(*, appeal: Appeal) -> list[AnswerReview]:
    return list(_with_criteria(AnswerReview.objects.filter(appeal=appeal)))


def low_rated_answer(*, appeal: Appeal) -> Answer | None:
    """The appeal's latest answer if it is rated 2 or lower and not judged yet."""
    answer = appeal.answers.select_related("rating", "author").order_by("-review_round").first()
    rating = getattr(answer, "rating", None) if answer is not None else None
    if rating is None or rating.score > LOW_SCORE:
        return None
    if AnswerReview.objects.filter(answer=answer, stage=AnswerReview.Stage.AFTER_RATING).exists():
        return None
    return answer


def open_return(*, appeal: Appeal) -> AnswerReview | None:
    """The return the organization is reworking (criteria, comment, term), for the staff page."""
    return (
        _with_criteria(
            AnswerReview.objects.filter(
                appeal=appeal,
                decision__in=AnswerReview.RETURNS,
                reworked_at__isnull=True,
                due_at__isnull=False,
            )
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def is_held(*, appeal: Appeal) -> bool:
    return AnswerDraft.objects.filter(
        appeal=appeal, stage=AnswerDraft.Stage.REVIEW, returned_at__isnull=True
    ).exists()


def active_criteria() -> QuerySet[ReworkCriterion]:
    return ReworkCriterion.objects.filter(active=True).order_by("order", "pk")


def review_counts(
    *,
    region_ids=None,
    organization_ids=None,
    start: date,
    end: date,
    municipality: int | None = None,
    category: int | None = None,
    organization: int | None = None,
) -> dict[int, dict]:
    """{organization id: {"reviewed", "returned", "formal_share"}} of the decisions taken in
    `start`..`end` (days in the platform's time zone): each decision judges one version of an
    answer, and a return (before release or after a low rating) judges it formal. One query."""
    zone = ZoneInfo(settings.TIME_ZONE)
    q = Q(
        created_at__gte=datetime.combine(start, time.min, zone),
        created_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone),
    )
    if region_ids is not None:
        q &= Q(region_id__in=region_ids)
    if organization_ids is not None:
        q &= Q(organization_id__in=organization_ids)
    if municipality:
        q &= Q(appeal__municipality_id=municipality)
    if category:
        q &= Q(appeal__category_id=category)
    if organization:
        q &= Q(organization_id=organization)
    rows = (
        AnswerReview.objects.filter(q)
        .values("organization_id")
        .annotate(
            reviewed=Count("pk"),
            returned=Count("pk", filter=Q(decision__in=AnswerReview.RETURNS)),
        )
        .order_by()
    )
    return {
        row["organization_id"]: {
            "reviewed": row["reviewed"],
            "returned": row["returned"],
            "formal_share": row["returned"] / row["reviewed"] if row["reviewed"] else None,
        }
        for row in rows
    }
