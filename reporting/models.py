"""The typical all-Russian thematic classifier of appeals (ССТУ) and the categories mapped onto it.

A code has up to five groups of four digits: section (0005 — housing and utilities), theme group,
theme, question, sub-question. Every 59-FZ appeal carries the code of a question (Appeal.topic),
taken from its category at registration; the Decree 171 monthly report counts by section.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Category

CODE_PATTERN = r"^\d{4}(\.\d{4}){0,4}$"


class Topic(models.Model):
    code = models.CharField(
        _("code"),
        max_length=24,
        unique=True,
        validators=[
            RegexValidator(
                CODE_PATTERN, _("A code is up to five groups of four digits: 0005.0005.0056.1153.")
            )
        ],
    )
    name = models.CharField(_("name"), max_length=500)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent heading"),
    )
    is_active = models.BooleanField(
        _("in the current edition"),
        default=True,
        help_text=_("A heading dropped by a new edition stays for the appeals that carry it."),
    )

    class Meta:
        verbose_name = _("classifier heading")
        verbose_name_plural = _("thematic classifier")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="topic_code_shape")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def section_code(self) -> str:
        return self.code[:4]


class CategoryTopic(models.Model):
    """The classifier question an appeal of this category is reported under, unless staff change it."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        related_name="topic_link",
        verbose_name=_("category"),
        limit_choices_to={"parent__isnull": False},
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="categories", verbose_name=_("heading")
    )

    class Meta:
        verbose_name = _("category's classifier heading")
        verbose_name_plural = _("categories' classifier headings")

    def __str__(self) -> str:
        return f"{self.category} → {self.topic.code}"
