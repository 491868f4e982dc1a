import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.validators import validate_embedding_origins, validate_inn, validate_ogrn


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class Region(models.Model):
    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        help_text=_("Region code, e.g. 41 for Kamchatka Krai."),
    )
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_timezone], default="Europe/Moscow"
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    """Who serves a place (places.ServiceTerritory.kind) and so which one a category goes to."""

    MANAGEMENT_COMPANY = "management_company", _("management company")
    HEAT_SUPPLIER = "heat_supplier", _("heat supplier")
    WATER_SUPPLIER = "water_supplier", _("water supplier")
    ELECTRICITY_SUPPLIER = "electricity_supplier", _("electricity supplier")
    GAS_SUPPLIER = "gas_supplier", _("gas supplier")
    WASTE_OPERATOR = "waste_operator", _("waste operator")
    SCHOOL = "school", _("school")
    CLINIC = "clinic", _("clinic")


class Municipality(models.Model):
    class Kind(models.TextChoices):
        URBAN_OKRUG = "urban_okrug", _("urban okrug")
        MUNICIPAL_OKRUG = "municipal_okrug", _("municipal okrug")
        DISTRICT = "district", _("municipal district")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    centre = models.CharField(_("administrative centre"), max_length=100, blank=True)
    oktmo = models.CharField(
        _("OKTMO code"),
        max_length=11,
        blank=True,
        help_text=_("All-Russian classifier of municipal territories, 8 or 11 digits."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="municipality_unique_name_in_region"
            ),
            models.UniqueConstraint(
                fields=["oktmo"], condition=~Q(oktmo=""), name="municipality_unique_oktmo"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE_BODY = "executive_body", _("executive body")
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("municipal administration")
        MANAGEMENT_COMPANY = "management_company", _("management company")
        WASTE_OPERATOR = "waste_operator", _("waste operator")
        RESOURCE_SUPPLIER = "resource_supplier", _("resource supplier")
        EDUCATION = "education", _("education")
        HEALTH_CARE = "health_care", _("health care")
        CULTURE = "culture", _("culture and sport")
        SOCIAL_PROTECTION = "social_protection", _("social protection")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=150, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region")
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="organizations",
        verbose_name=_("municipalities served"),
        help_text=_("Leave empty for an organization serving the whole region."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    widget_origins = models.TextField(
        _("sites allowed to embed the widget"),
        blank=True,
        validators=[validate_embedding_origins],
        help_text=_(
            "One origin per line, e.g. https://example.ru. Only these sites may show the filing form in a frame."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ogrn"], condition=~Q(ogrn=""), name="organization_unique_ogrn"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organization_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["region", "kind", "is_active"])]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError(
                    {"parent": _("An organization cannot be subordinate to itself.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def embedding_origins(self) -> list[str]:
        """The origins of `widget_origins`, normalised (no trailing slash), for CSP frame-ancestors."""
        return [
            line.strip().rstrip("/") for line in self.widget_origins.splitlines() if line.strip()
        ]


class Category(models.Model):
    """Section (no parent) → category (leaf). Appeals are filed to leaf categories."""

    class Regime(models.TextChoices):
        APPEAL = "appeal", _("appeal under Federal Law 59-FZ")
        MESSAGE = "message", _("platform message")

    class DayCount(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("section"),
        limit_choices_to={"parent__isnull": True},
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Comma-separated synonyms.")
    )
    regime = models.CharField(
        _("regime"), max_length=10, choices=Regime.choices, default=Regime.APPEAL
    )
    term_days = models.PositiveSmallIntegerField(
        _("term, days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Review term from registration: 30 days by default, 10 for pressing issues."),
    )
    day_count = models.CharField(
        _("day count"), max_length=10, choices=DayCount.choices, default=DayCount.CALENDAR
    )
    is_priority = models.BooleanField(_("priority"), default=False)
    # Proof of fix (issue 16): the answer says whether the work on site is done (with a photo or
    # an act) or planned (with a date), and the citizen confirms or refutes it.
    requires_work_on_site = models.BooleanField(
        _("requires work on site"),
        default=False,
        db_default=False,
        help_text=_(
            "Roads, yards, lighting, water and other physical things: the answer states whether the "
            "work is done (with a photo or an act) or planned (with a date)."
        ),
    )
    served_by = models.CharField(
        _("served by"),
        max_length=30,
        choices=ServiceKind.choices,
        blank=True,
        help_text=_(
            "Who serves the place of the problem according to the address registry (e.g. the "
            "management company of the house). Empty: the routing rules alone decide."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_days__gte=1, term_days__lte=30), name="category_term_1_to_30_days"
            ),
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_section"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} → {self.name}" if self.parent_id else self.name

    @property
    def is_section(self) -> bool:
        return self.parent_id is None

    def clean(self) -> None:
        if self.parent_id is not None and self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Categories have two levels: section and category.")}
            )


class RoutingRule(models.Model):
    """Where appeals of a category from a municipality go; an empty municipality is the fallback."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("region")
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("category"),
        limit_choices_to={"parent__isnull": False},
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("municipality"),
        help_text=_("Leave empty for the region-wide fallback."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="routing_rules",
        verbose_name=_("organization"),
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "municipality"],
                condition=Q(municipality__isnull=False),
                name="routing_rule_unique_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["region", "category"],
                condition=Q(municipality__isnull=True),
                name="routing_rule_unique_fallback_per_region",
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality or _("whole region")
        return f"{self.category.name} · {where} → {self.organization}"

    def clean(self) -> None:
        errors = {}
        if self.category_id and self.category.parent_id is None:
            errors["category"] = _("Route a category, not a whole section.")
        if (
            self.municipality_id
            and self.region_id
            and self.municipality.region_id != self.region_id
        ):
            errors["municipality"] = _("The municipality belongs to another region.")
        if (
            self.organization_id
            and self.region_id
            and self.organization.region_id != self.region_id
        ):
            errors["organization"] = _("The organization belongs to another region.")
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """A staff role: executors and heads work in an organization, moderators and analysts in a region."""

    class Role(models.TextChoices):
        EXECUTOR = "executor", _("executor")
        HEAD = "head", _("head")
        MODERATOR = "moderator", _("regional moderator")
        ANALYST = "analyst", _("analyst")

    ORGANIZATION_ROLES = (Role.EXECUTOR, Role.HEAD)
    REGION_ROLES = (Role.MODERATOR, Role.ANALYST)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("region"),
    )
    signs_answers = models.BooleanField(
        _("signs answers"),
        default=False,
        help_text=_(
            "An authorised official: may sign answers where the regime asks for one (heads "
            "always may)."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["executor", "head"],
                        organization__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        role__in=["moderator", "analyst"],
                        organization__isnull=True,
                        region__isnull=False,
                    )
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(organization__isnull=False),
                name="membership_unique_in_organization",
            ),
            models.UniqueConstraint(
                fields=["user", "region", "role"],
                condition=Q(region__isnull=False),
                name="membership_unique_in_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization or self.region}"

    def clean(self) -> None:
        if self.role in self.ORGANIZATION_ROLES:
            if not self.organization_id:
                raise ValidationError(
                    {"organization": _("Executors and heads belong to an organization.")}
                )
            self.region = None
        elif self.role in self.REGION_ROLES:
            if not self.region_id:
                raise ValidationError(
                    {"region": _("Moderators and analysts are scoped to a region.")}
                )
            self.organization = None


class Official(models.Model):
    """An official of an organization a citizen may address an appeal to (listed on its page).

    Linked to the staff Membership of the person where they work on the platform: a complaint
    about this official's actions is then never assigned to, taken by or signed by that account.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="officials",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position held"), max_length=300)
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("staff account"),
        help_text=_(
            "The official's own staff membership in this organization, if they work on the "
            "platform: complaints about their actions then never reach them."
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers are listed first.")
    )
    is_active = models.BooleanField(
        _("listed"), default=True, help_text=_("Unlisted officials cannot be addressed.")
    )

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["organization", "order", "name", "pk"]
        indexes = [
            models.Index(
                fields=["organization", "order", "name"],
                condition=Q(is_active=True),
                name="official_listed_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.position}"

    def clean(self) -> None:
        membership = self.membership
        if membership is not None and (
            membership.organization_id != self.organization_id
            or membership.role not in Membership.ORGANIZATION_ROLES
        ):
            raise ValidationError({"membership": _("Choose a staff member of this organization.")})
