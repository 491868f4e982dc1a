"""The answer quality gate (issue 16): rework criteria, what is reviewed, and every decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Answer, Appeal
from organizations.models import Category, Organization, Region


class ReworkCriterion(models.Model):
    """A codified reason to return an answer for rework («формальный ответ», …): data, edited in
    the admin; an inactive one is no longer offered but stays on past decisions."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("What the organization should fix.")
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rework criterion")
        verbose_name_plural = _("rework criteria")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReviewedCategory(models.Model):
    """A category every answer of which is reviewed before release (the others: a sample)."""

    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("category with every answer reviewed")
        verbose_name_plural = _("categories with every answer reviewed")

    def __str__(self) -> str:
        return str(self.category)


class Curatorship(models.Model):
    """The organization's curator: reviews its answers like the regional moderator does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="curatorships",
        verbose_name=_("curator"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("curatorship")
        verbose_name_plural = _("curatorships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="curatorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


class AnswerReview(models.Model):
    """One decision of the quality review on one version of an answer.

    Before release the reviewer releases the held answer or returns it; after a rating of 2 or
    lower the reviewer finds the released answer formal (a return too) or not. Returns carry the
    criteria and the organization's rework term (`due_at`; none for a formal answer after the
    one re-review, which nothing reworks); `reworked_at` is when the next version came. The
    per-organization counts are counts of these rows.
    """

    class Stage(models.TextChoices):
        BEFORE_RELEASE = "before_release", _("before release")
        AFTER_RATING = "after_rating", _("after a low rating")

    class Decision(models.TextChoices):
        RELEASE = "release", _("released to the citizen")
        RETURN = "return", _("returned for rework")
        FORMAL = "formal", _("found formal")
        NOT_FORMAL = "not_formal", _("found an answer on the merits")

    RETURNS = (Decision.RETURN, Decision.FORMAL)

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="+", verbose_name=_("appeal")
    )
    # Whose answer it was (the appeal may move on by a redirect later) and where: the analytics
    # count per organization and region from these.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    answer = models.ForeignKey(
        Answer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released answer"),
    )
    text = models.TextField(_("text of the version reviewed"), max_length=20000)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    criteria = models.ManyToManyField(
        ReworkCriterion, blank=True, related_name="+", verbose_name=_("criteria")
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    due_at = models.DateTimeField(_("rework due"), null=True, blank=True)
    reworked_at = models.DateTimeField(_("new version sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("answer review")
        verbose_name_plural = _("answer reviews")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="return") | Q(due_at__isnull=False),
                name="answer_review_return_has_term",
            ),
            # A released answer rated low is judged once.
            models.UniqueConstraint(
                fields=["answer"],
                condition=Q(stage="after_rating"),
                name="answer_review_once_after_rating",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "created_at"], name="answer_review_region_idx"),
            models.Index(fields=["appeal", "created_at"], name="answer_review_appeal_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.decision}"

    @property
    def is_return(self) -> bool:
        return self.decision in self.RETURNS

    @property
    def rework_overdue(self) -> bool:
        """The rework term passed without a new version."""
        return (
            self.is_return
            and self.due_at is not None
            and (self.reworked_at or timezone.now()) > self.due_at
        )
