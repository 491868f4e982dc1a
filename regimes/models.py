"""Legal regimes an appeal is reviewed under (59-FZ appeal, platform message, housing rules, …).

A regime is data: its rules live in immutable versions, so an appeal keeps the version it was
filed under however the rules change later. Which regime applies is decided per category ×
organization kind (RegimeRule); the most specific rule wins.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Category, Organization


class Assurance(models.TextChoices):
    """How sure the platform is of who filed an appeal through a channel (547-FZ), lowest first."""

    NONE = "none", _("not identified")
    EMAIL = "email", _("e-mail confirmed")
    IDENTITY = "identity", _("identity verified through Gosuslugi")
    NEVER = "never", _("never through this channel")

    @classmethod
    def rank(cls, level: str) -> int:
        return [cls.NONE, cls.EMAIL, cls.IDENTITY, cls.NEVER].index(level)


class Regime(models.Model):
    class Kind(models.TextChoices):
        APPEAL = "appeal", _("appeal under Federal Law 59-FZ")
        MESSAGE = "message", _("platform message")
        HOUSING = "housing", _("housing rules (management companies)")
        CUSTOM = "custom", _("custom")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=40, help_text=_("Shown on every row of the staff queue.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(
        _("description for citizens"),
        blank=True,
        help_text=_("What the citizen is told at filing about this kind of appeal."),
    )
    fallback = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("otherwise reviewed as"),
        help_text=_(
            "When the person or the channel does not meet the identification this regime needs "
            "(547-FZ: an electronic 59-FZ appeal comes from an identified person), the appeal is "
            "reviewed under this regime instead, and may be converted later."
        ),
    )

    class Meta:
        verbose_name = _("review regime")
        verbose_name_plural = _("regimes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    """Results of the review an answer may state (the ССТУ result codes map onto these)."""

    SUPPORTED = "supported", _("supported")
    MEASURES_TAKEN = "measures_taken", _("supported, measures taken")
    EXPLAINED = "explained", _("explained")
    NOT_SUPPORTED = "not_supported", _("not supported")


class Signer(models.TextChoices):
    EXECUTOR = "executor", _("the executor")
    HEAD = "head", _("the head of the organization")
    AUTHORISED = "authorised", _("an authorised official")


class Notice(models.TextChoices):
    REGISTERED = "registered", _("registration, with the number and the term")
    FORWARDED = "forwarded", _("forwarding to another organization")
    EXTENDED = "extended", _("extension of the term, with the reason")
    ANSWERED = "answered", _("the answer")
    LEFT_UNANSWERED = "left_unanswered", _("leaving without an answer, with the ground")


class RegimeVersion(models.Model):
    """One immutable edition of a regime's rules, in force from `valid_from`."""

    regime = models.ForeignKey(
        Regime, on_delete=models.PROTECT, related_name="versions", verbose_name=_("regime")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    valid_from = models.DateTimeField(_("in force from"), default=timezone.now)
    registration_days = models.PositiveSmallIntegerField(
        _("registration term, days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer term, days"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    day_count = models.CharField(
        _("days are counted as"),
        max_length=10,
        choices=Category.DayCount.choices,
        default=Category.DayCount.CALENDAR,
    )
    extension_allowed = models.BooleanField(_("extension allowed"), default=True)
    extension_max_days = models.PositiveSmallIntegerField(
        _("longest extension, days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    forwarding_days = models.PositiveSmallIntegerField(
        _("forwarding term, days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "An appeal forwarded within this many days of registration gets a fresh full term."
        ),
    )
    outcomes = ArrayField(
        models.CharField(max_length=20, choices=Outcome.choices),
        verbose_name=_("allowed outcomes"),
        default=list,
        blank=True,
    )
    closing_grounds = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("grounds to close without an answer on the merits"),
        default=list,
        blank=True,
        help_text=_("Empty: every ground of the list is allowed."),
    )
    notices = ArrayField(
        models.CharField(max_length=20, choices=Notice.choices),
        verbose_name=_("mandatory notices to the citizen"),
        default=list,
        blank=True,
    )
    signer = models.CharField(
        _("the answer is signed by"), max_length=20, choices=Signer.choices, default=Signer.HEAD
    )
    assurance = models.JSONField(
        _("identification needed, by channel"),
        default=dict,
        blank=True,
        help_text=_(
            'Channel → lowest level, e.g. {"web": "identity", "phone": "never"}. Channels: web, '
            "widget, api, phone, paper, visit; levels: none, email, identity, never. A channel "
            "not named needs none."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("regime version")
        verbose_name_plural = _("review regime versions")
        ordering = ["regime", "-valid_from", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "number"], name="regime_version_unique"),
            models.CheckConstraint(
                condition=Q(answer_days__gte=1, answer_days__lte=60),
                name="regime_version_answer_1_to_60_days",
            ),
            models.CheckConstraint(
                condition=Q(extension_max_days__gte=1, extension_max_days__lte=30),
                name="regime_version_extension_up_to_30_days",
            ),
        ]
        indexes = [models.Index(fields=["regime", "-valid_from"], name="regime_version_current")]

    def __str__(self) -> str:
        return _("%(regime)s, version %(number)s") % {
            "regime": self.regime.name,
            "number": self.number,
        }

    def clean(self) -> None:
        if not isinstance(self.assurance, dict) or any(
            not isinstance(level, str) or level not in Assurance.values
            for level in self.assurance.values()
        ):
            raise ValidationError(
                {"assurance": _("Name a level for each channel: none, email, identity or never.")}
            )

    def needs(self, channel: str) -> str:
        return self.assurance.get(channel, Assurance.NONE)


class RegimeRule(models.Model):
    """Which regime applies to a category (or any) at an organization kind (or any)."""

    regime = models.ForeignKey(
        Regime, on_delete=models.PROTECT, related_name="rules", verbose_name=_("regime")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="regime_rules",
        verbose_name=_("category"),
        help_text=_("Empty: every category."),
    )
    organization_kind = models.CharField(
        _("organization kind"),
        max_length=30,
        choices=Organization.Kind.choices,
        blank=True,
        help_text=_("Empty: every kind."),
    )

    class Meta:
        verbose_name = _("regime rule")
        verbose_name_plural = _("regime rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "organization_kind"],
                nulls_distinct=False,
                name="regime_rule_unique",
            )
        ]

    def __str__(self) -> str:
        category = self.category or _("every category")
        kind = self.get_organization_kind_display() or _("every kind")
        return f"{category} × {kind} → {self.regime}"
