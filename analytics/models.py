"""Roll-ups of the appeals: derived data, rebuilt from appeals and events at any time.

Dimension columns are plain integers, not foreign keys: the tables are written in bulk by SQL,
never joined on the pages, and `organization_id = 0` stands for "not routed yet" (so the unique
keys that the upserts rely on never meet a NULL).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "d", _("day")
    WEEK = "w", _("week")
    MONTH = "m", _("month")


COUNTERS = (
    "received",
    "registered",
    "rejected",
    "closed_on_ground",
    "redirected",
    "answered",
    "on_time",
    "answer_hours",
    "overdue_started",
    "overdue_ended",
    "ratings",
    "rating_sum",
    "solved",
    "rereviews",
    "not_rated",
)


class Rollup(models.Model):
    """Counts of one day (week, month) × municipality × organization × category."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField(help_text=_("The first day of the bucket."))
    region_id = models.IntegerField()
    municipality_id = models.IntegerField()
    organization_id = models.IntegerField()
    category_id = models.IntegerField()
    received = models.IntegerField(default=0)
    registered = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    closed_on_ground = models.IntegerField(default=0)
    redirected = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    answer_hours = models.BigIntegerField(default=0)
    # Overdue is a stock: +1 on the day an appeal's deadline passes unanswered, +1 in
    # overdue_ended on the day it is finally answered; the running sum is the overdue count.
    overdue_started = models.IntegerField(default=0)
    overdue_ended = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    rereviews = models.IntegerField(default=0)
    not_rated = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "municipality_id", "organization_id", "category_id"],
                name="rollup_unique_cell",
            )
        ]
        indexes = [
            models.Index(fields=["grain", "region_id", "day"], name="rollup_period_idx"),
            # A region's dashboards and /stats/ (tests/platform/test_region_indexes.py).
            models.Index(fields=["region_id", "grain", "day"], name="rollup_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.municipality_id}/{self.organization_id}/{self.category_id}"


class GroundRollup(models.Model):
    """Rejected at moderation or closed without an answer, by coded ground."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", _("rejected at moderation")
        CLOSED = "ground", _("closed without an answer on the merits")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    region_id = models.IntegerField()
    municipality_id = models.IntegerField()
    organization_id = models.IntegerField()
    category_id = models.IntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    ground = models.CharField(max_length=20)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "day",
                    "municipality_id",
                    "organization_id",
                    "category_id",
                    "kind",
                    "ground",
                ],
                name="ground_rollup_unique_cell",
            )
        ]
        indexes = [
            models.Index(fields=["grain", "region_id", "day"], name="ground_rollup_period_idx"),
            models.Index(fields=["region_id", "grain", "day"], name="ground_rollup_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.kind} {self.ground}: {self.count}"


class AnswerTimeRollup(models.Model):
    """Answer-time histogram in whole hours (registration → answer), by the day of the answer.

    Kept at five levels so that a page reads few rows whatever it filters on: the whole region
    (r), one dimension (m, o, c) with the others 0, and every cell (x) for combined filters.
    """

    class Level(models.TextChoices):
        REGION = "r", _("region")
        MUNICIPALITY = "m", _("municipality")
        ORGANIZATION = "o", _("organization")
        CATEGORY = "c", _("category")
        CELL = "x", _("municipality × organization × category")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    level = models.CharField(max_length=1, choices=Level.choices)
    region_id = models.IntegerField()
    municipality_id = models.IntegerField()
    organization_id = models.IntegerField()
    category_id = models.IntegerField()
    hours = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "level",
                    "region_id",
                    "municipality_id",
                    "organization_id",
                    "category_id",
                    "day",
                    "hours",
                ],
                name="answer_time_rollup_unique_cell",
            )
        ]
        indexes = [
            models.Index(
                fields=["region_id", "level", "grain", "day"], name="answer_time_region_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.level} {self.hours} h: {self.count}"


class AppealFact(models.Model):
    """What one appeal contributed to the roll-ups at the last run: subtracted before it is re-added.

    No personal data: ids, local dates, durations and codes only.
    """

    appeal_id = models.BigIntegerField(primary_key=True)
    region_id = models.IntegerField()
    municipality_id = models.IntegerField()
    organization_id = models.IntegerField()
    category_id = models.IntegerField()
    submitted_day = models.DateField()
    registered_day = models.DateField(null=True)
    outcome = models.CharField(max_length=10, blank=True)  # rejected / ground / closed / ""
    ground = models.CharField(max_length=20, blank=True)
    closed_day = models.DateField(null=True)
    answered_day = models.DateField(null=True)
    on_time = models.BooleanField(default=False)
    answer_hours = models.IntegerField(null=True)
    overdue_start_day = models.DateField(null=True)
    overdue_end_day = models.DateField(null=True)
    not_rated = models.BooleanField(default=False)
    redirect_days = ArrayField(models.DateField(), default=list)
    rereview_days = ArrayField(models.DateField(), default=list)
    rating_days = ArrayField(models.DateField(), default=list)
    rating_scores = ArrayField(models.SmallIntegerField(), default=list)
    rating_solved = ArrayField(models.BooleanField(), default=list)

    def __str__(self) -> str:
        return f"fact {self.appeal_id}"


class RollupState(models.Model):
    """The watermark of the incremental run (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    previous_event_id = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(null=True)
    last_run_appeals = models.IntegerField(default=0)
    version = models.BigIntegerField(
        default=0, help_text="Bumped whenever the figures change (cache key)."
    )

    def __str__(self) -> str:
        return f"events ≤ {self.last_event_id}"
