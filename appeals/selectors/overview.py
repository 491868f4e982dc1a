"""The head's overview: headline figures and the executors' workload, in a few aggregate queries.

The number of queries does not depend on how many appeals, answers, ratings or executors there
are: every figure is a `Count(..., filter=Q(...))` or `Avg` over the head's scope.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from appeals.models import Answer, Appeal, Rating
from appeals.selectors.staff import executors_of
from organizations.models import Membership
from organizations.selectors import staff_organizations

DUE_THIS_WEEK = timedelta(days=7)


def headed_organization_ids(user) -> set[int]:
    """The organizations the user heads, with every organization subordinate to them."""
    cached = getattr(user, "_headed_organization_ids", None)
    if cached is None:
        cached = set(
            staff_organizations(user=user, roles=[Membership.Role.HEAD]).values_list(
                "id", flat=True
            )
        )
        user._headed_organization_ids = (
            cached  # the same cache appeals.permissions.is_head_of fills
        )
    return cached


def month_bounds(today: date) -> tuple[datetime, datetime]:
    """The start of `today`'s calendar month and of the next one, in the current time zone."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return datetime.combine(first, time.min, zone), datetime.combine(following, time.min, zone)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _person(last_name, first_name, patronymic, email) -> str:
    return " ".join(part for part in (last_name, first_name, patronymic) if part) or email or ""


def overview(*, user) -> dict:
    """Figures of the organizations the user heads (subordinates included), for this month."""
    organization_ids = headed_organization_ids(user)
    now = timezone.now()
    today = timezone.localdate(now)
    month_start, month_end = month_bounds(today)
    open_q = Q(status__in=Appeal.OPEN_STATUSES)

    appeals = Appeal.objects.filter(organization_id__in=organization_ids).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(due_at__lt=now)),
        due_this_week=Count(
            "pk", filter=open_q & Q(due_at__gte=now, due_at__lt=now + DUE_THIS_WEEK)
        ),
    )

    answers = Answer.objects.filter(
        organization_id__in=organization_ids, created_at__gte=month_start, created_at__lt=month_end
    ).aggregate(
        answered=Count("pk"),
        on_time=Count("pk", filter=Q(appeal__answered_at__lte=F("appeal__due_at"))),
    )

    ratings = Rating.objects.filter(
        appeal__organization_id__in=organization_ids,
        created_at__gte=month_start,
        created_at__lt=month_end,
    ).aggregate(rated=Count("pk"), solved=Count("pk", filter=Q(solved=True)), average=Avg("score"))

    load = (
        Appeal.objects.filter(organization_id__in=organization_ids, status__in=Appeal.OPEN_STATUSES)
        .values(
            "executor_id",
            "executor__last_name",
            "executor__first_name",
            "executor__patronymic",
            "executor__email",
        )
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    by_executor = {row["executor_id"]: row for row in load}

    workload = []
    people = executors_of(organization_ids=organization_ids).values(
        "id", "last_name", "first_name", "patronymic", "email"
    )
    for person in people:
        row = by_executor.pop(person["id"], None) or {}
        workload.append(
            {
                "executor_id": person["id"],
                "name": _person(
                    person["last_name"], person["first_name"], person["patronymic"], person["email"]
                ),
                "open": row.get("open", 0),
                "overdue": row.get("overdue", 0),
                "in_queue": True,  # the queue's executor filter offers this person
            }
        )
    unassigned = by_executor.pop(None, None)
    for (
        executor_id,
        row,
    ) in by_executor.items():  # assigned to someone who has left the organization
        workload.append(
            {
                "executor_id": executor_id,
                "name": _person(
                    row["executor__last_name"],
                    row["executor__first_name"],
                    row["executor__patronymic"],
                    row["executor__email"],
                ),
                "open": row["open"],
                "overdue": row["overdue"],
                "in_queue": False,
            }
        )
    workload.sort(key=lambda row: (-row["open"], -row["overdue"], row["name"]))

    average = ratings["average"]
    return {
        "month": month_start.date(),
        "open": appeals["open"],
        "overdue": appeals["overdue"],
        "due_this_week": appeals["due_this_week"],
        "answered": answers["answered"],
        "answered_on_time": answers["on_time"],
        "on_time_percent": _percent(answers["on_time"], answers["answered"]),
        "rated": ratings["rated"],
        "average_rating": round(float(average), 1) if average is not None else None,
        "solved": ratings["solved"],
        "solved_percent": _percent(ratings["solved"], ratings["rated"]),
        "workload": workload,
        "unassigned": {
            "open": unassigned["open"] if unassigned else 0,
            "overdue": unassigned["overdue"] if unassigned else 0,
        },
    }
