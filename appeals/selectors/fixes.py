"""Reads of the proof of fix: «Вы сказали — мы сделали», the public problems fixed in a month.

A problem counts when its author confirmed the work on site (Appeal.fixed_at in the month) or
closed it with a rating that says it is solved (closed in the month). Only public problems
(PUBLIC_PROBLEM: made public by their author, past moderation); never a name or a contact. The
photos: «before» are the problem's own public photos, «after» the images the organization
attached to an answer stating the work done.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from appeals.models import PUBLIC_PROBLEM, Answer, Appeal, Attachment, Rating, WorkStatus
from appeals.selectors.public import IMAGE_TYPES


def month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, datetime.combine(following, time.min, tzinfo=zone)


def _solved_rating() -> Exists:
    return Exists(
        Rating.objects.filter(
            appeal=OuterRef("pk"), solved=True, answer__review_round=OuterRef("review_round")
        )
    )


def fixed_problems(*, region_id: int | None, month: date) -> QuerySet[Appeal]:
    """The public problems of the region fixed in `month`, the latest first, with their photos prefetched (two
    queries for any page, besides the count)."""
    start, end = month_bounds(month)
    confirmed = Q(fixed_at__gte=start, fixed_at__lt=end)
    closed_solved = Q(
        status=Appeal.Status.CLOSED,
        close_reason=Appeal.CloseReason.RATED,
        closed_at__gte=start,
        closed_at__lt=end,
        fixed_at__isnull=True,
    ) & Q(_solved_rating())
    photo_fields = ("pk", "appeal_id", "answer_id", "original_name", "thumbnail", "file")
    return (
        Appeal.objects.filter(PUBLIC_PROBLEM, region_id=region_id)
        .filter(confirmed | closed_solved)
        .select_related("category", "municipality", "organization")
        .only(
            "number",
            "status",
            "address",
            "submitted_at",
            "closed_at",
            "fixed_at",
            "category__name",
            "municipality__name",
            "organization__name",
        )
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(content_type__in=IMAGE_TYPES)
                .filter(Q(answer__isnull=True) | Q(answer__work_status=WorkStatus.DONE))
                .only(*photo_fields)
                .order_by("created_at", "pk"),
                to_attr="public_photos",
            )
        )
        .order_by(Coalesce("fixed_at", "closed_at").desc(), "-pk")
    )


def split_photos(problem: Appeal) -> Appeal:
    """`before` and `after` of a problem of `fixed_problems` (no query)."""
    problem.before = [p for p in problem.public_photos if p.answer_id is None]
    problem.after = [p for p in problem.public_photos if p.answer_id is not None]
    return problem


def get_proof_photo(*, number: str, attachment_id: int) -> Attachment:
    """An image the organization attached to an answer stating the work done, of a public
    problem; anything else is a 404."""
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            appeal__number=number,
            content_type__in=IMAGE_TYPES,
            answer__in=Answer.objects.filter(work_status=WorkStatus.DONE).values("pk"),
        )
        .filter(appeal__in=Appeal.objects.filter(PUBLIC_PROBLEM).values("pk"))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
