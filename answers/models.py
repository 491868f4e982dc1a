"""Answers an organization publishes to a question that concerns many people (issue 16).

Published without personal data: the filing form suggests them from the text being typed, the
public page lists them, and staff may answer a later appeal on the same question with a link to
one. Withdrawn answers stay (appeals link to them) but are neither listed nor suggested.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from organizations.models import Category, Organization

TITLE_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 20000


class PublishedAnswer(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="published_answers",
        verbose_name=_("organization"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    question = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH)
    # The answered appeal it was made from, if any: the personal data check compares with its
    # citizen. Never shown publicly.
    source_appeal = models.ForeignKey(
        "appeals.Appeal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made from the appeal"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    search = models.GeneratedField(
        expression=SearchVector("title", "question", "answer", config="russian"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("published answer")
        verbose_name_plural = _("published answers")
        ordering = ["-published_at", "-pk"]
        indexes = [
            GinIndex(fields=["search"], name="published_answer_search_gin"),
            models.Index(
                fields=["organization", "-published_at"],
                condition=Q(withdrawn_at__isnull=True),
                name="published_answer_current_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("answers:detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PublishedAnswerEvent(AuditEvent):
    """The audit trail of a published answer: who published, changed or withdrew it (as
    outages.OutageEvent is for an outage; publishing changes no appeal's state)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("published")
        EDIT = "edit", _("changed")
        WITHDRAW = "withdraw", _("withdrawn")

    published_answer = models.ForeignKey(
        PublishedAnswer,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("published answer"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = _("published answer event")
        verbose_name_plural = _("published answer events")
        indexes = [
            models.Index(
                fields=["published_answer", "created_at"], name="published_answer_event_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.published_answer_id} {self.action}"
