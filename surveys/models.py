"""Polls, votes and public discussions of a region's residents.

A Survey (poll or vote) and a Discussion share the shape of a consultation: an owner organization,
an audience (the whole region or chosen municipalities), a period and a publication mark.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality, Organization, Region


def _random_name(folder: str) -> str:
    # Random names: the client's name never reaches the file system.
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def survey_image_path(instance, filename: str) -> str:
    return _random_name("surveys/images")


def option_image_path(instance, filename: str) -> str:
    return _random_name("surveys/options")


def discussion_document_path(instance, filename: str) -> str:
    return _random_name("discussions/documents")


class Phase(models.TextChoices):
    DRAFT = "draft", _("draft")
    UPCOMING = "upcoming", _("opens soon")
    OPEN = "open", _("open")
    CLOSED = "closed", _("finished")


class Audience(models.TextChoices):
    REGION = "region", _("the whole region")
    MUNICIPALITIES = "municipalities", _("chosen municipalities")


class Consultation(models.Model):
    """What polls, votes and discussions have in common."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("organization"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("region")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.REGION
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="%(class)ss", verbose_name=_("municipalities")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set when the subscribed residents of the audience have been told (the sweep's "done" mark).
    audience_notified_at = models.DateTimeField(
        _("audience notified"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.published_at is None:
            return Phase.DRAFT
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    @property
    def current_phase(self) -> str:
        return self.phase()

    @property
    def current_phase_label(self) -> str:
        return Phase(self.phase()).label

    @property
    def is_open(self) -> bool:
        return self.phase() == Phase.OPEN

    @property
    def is_closed(self) -> bool:
        return self.phase() == Phase.CLOSED


class Survey(Consultation):
    class Kind(models.TextChoices):
        POLL = "poll", _("poll")
        VOTE = "vote", _("vote")

    class Eligibility(models.TextChoices):
        CONFIRMED_EMAIL = "email", _("any registered resident with a confirmed e-mail")
        IDENTITY = "identity", _("only residents with a verified identity")

    class ResultsVisibility(models.TextChoices):
        LIVE = "live", _("shown while the poll is open")
        AFTER_CLOSE = "after_close", _("shown after it closes")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POLL)
    image = models.FileField(_("image"), upload_to=survey_image_path, blank=True)
    eligibility = models.CharField(
        _("who may take part"),
        max_length=10,
        choices=Eligibility.choices,
        default=Eligibility.CONFIRMED_EMAIL,
    )
    is_anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Results and exports never name the respondent.")
    )
    results_visibility = models.CharField(
        _("results"),
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )

    class Meta:
        verbose_name = _("poll or vote")
        verbose_name_plural = _("polls and votes")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            ),
            # A vote never shows results before it closes: no setting can say otherwise.
            models.CheckConstraint(
                condition=~Q(kind="vote", results_visibility="live"),
                name="survey_vote_results_after_close",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "closes_at"],
                condition=Q(published_at__isnull=False),
                name="survey_published_idx",
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    def results_public(self, now=None) -> bool:
        """Results anyone may see now: a closed survey, or an open poll with live results."""
        phase = self.phase(now)
        if phase == Phase.CLOSED:
            return True
        return (
            self.kind == self.Kind.POLL
            and self.results_visibility == self.ResultsVisibility.LIVE
            and phase == Phase.OPEN
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale")
        TEXT = "text", _("free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    is_required = models.BooleanField(_("required"), default=True)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"),
        null=True,
        blank=True,
        help_text=_("Multiple choice only; empty: no limit."),
    )
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="question_scale_ordered"
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1),
                name="question_max_choices_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("option"), max_length=300)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    image = models.FileField(_("picture"), upload_to=option_image_path, blank=True)
    image_alt = models.CharField(_("text alternative of the picture"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One citizen's participation: a ballot of a vote or the answers to a poll.

    The citizen is kept only to enforce one response per person; anonymous surveys never show it.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("citizen"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "citizen"], name="response_one_per_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    """One answer to one question; a multiple choice is one row per chosen option."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    option = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("option"),
    )
    value = models.SmallIntegerField(_("scale value"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "option"],
                condition=Q(option__isnull=False),
                name="answer_option_once",
            ),
        ]
        indexes = [models.Index(fields=["question", "option"], name="answer_tally_idx")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option_id or self.value or self.text[:30]}"


class Discussion(Consultation):
    """A public discussion of a draft document, section by section."""

    class Moderation(models.TextChoices):
        PRE = "pre", _("pre-moderation: comments appear after a moderator's check")
        POST = "post", _("post-moderation: comments appear at once")

    document = models.FileField(_("document"), upload_to=discussion_document_path, blank=True)
    document_name = models.CharField(_("document file name"), max_length=150, blank=True)
    document_type = models.CharField(_("document type"), max_length=50, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=5, choices=Moderation.choices, default=Moderation.POST
    )
    report_summary = models.TextField(_("summary of the final report"), max_length=5000, blank=True)
    report_published_at = models.DateTimeField(_("final report published"), null=True, blank=True)

    class Meta:
        verbose_name = _("public discussion")
        verbose_name_plural = _("public discussions")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="discussion_closes_after_opening",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("discussions:detail", args=[self.pk])


class Section(models.Model):
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("discussion")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), max_length=50000)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["discussion", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting moderation")
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden after complaints, awaiting a moderator")
        REJECTED = "rejected", _("removed by a moderator")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PARTLY = "partly", _("partly accepted")
        REJECTED = "rejected", _("rejected")

    HIDE_AFTER_REPORTS = 3

    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="comments", verbose_name=_("discussion")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("section"),
        help_text=_("Empty: the document as a whole."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="discussion_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderation_reason = models.CharField(_("moderator's reason"), max_length=500, blank=True)
    decision = models.CharField(
        _("organization's decision"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason of the decision"), max_length=3000, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["discussion", "created_at", "pk"]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=~Q(status="published"),
                name="comment_moderation_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="comment_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        SUPPORT = "support", _("support")
        OPPOSE = "oppose", _("oppose")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("comment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="reaction_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.comment_id}"


class CommentReport(models.Model):
    """A complaint about a comment; open complaints are the moderator's queue."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint about a comment")
        verbose_name_plural = _("complaints about comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_person")
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class Subscription(models.Model):
    """What a resident asked to be told about (opt-in; nothing is sent without it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consultation_subscription",
        verbose_name=_("user"),
    )
    new_in_municipality = models.BooleanField(
        _("new polls, votes and discussions in my municipality"), default=False
    )
    discussion_reports = models.BooleanField(
        _("final reports of discussions I commented on"), default=False
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("notification subscription")
        verbose_name_plural = _("notification subscriptions")

    def __str__(self) -> str:
        return str(self.user)
