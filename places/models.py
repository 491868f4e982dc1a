from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality, Organization, ServiceKind
from places.normalize import house_search

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]


class Settlement(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("city")
        URBAN_SETTLEMENT = "urban_settlement", _("urban-type settlement")
        SETTLEMENT = "settlement", _("township")
        VILLAGE = "village", _("village")
        HAMLET = "hamlet", _("hamlet")

    # How the kind is written in an address (address data is Russian whatever the UI language).
    ABBREVIATIONS = {
        "city": "г.",
        "urban_settlement": "пгт",
        "settlement": "пос.",
        "village": "с.",
        "hamlet": "д.",
    }

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="settlements",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    fias_id = models.CharField(
        _("FIAS/GAR id"), max_length=36, null=True, blank=True, unique=True, default=None
    )

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "name"], name="settlement_unique_in_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ABBREVIATIONS.get(self.kind, '')} {self.name}".strip()


class Street(models.Model):
    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="streets", verbose_name=_("settlement")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        default="ул.",
        help_text=_("As written in an address: ул., пр-т, пер., ш., б-р, наб., мкр …"),
    )
    fias_id = models.CharField(
        _("FIAS/GAR id"), max_length=36, null=True, blank=True, unique=True, default=None
    )

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["settlement", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "kind", "name"], name="street_unique_in_settlement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}".strip()


class House(models.Model):
    street = models.ForeignKey(
        Street, on_delete=models.CASCADE, related_name="houses", verbose_name=_("street")
    )
    number = models.CharField(_("house number"), max_length=20)
    building = models.CharField(_("building"), max_length=20, blank=True)
    fias_id = models.CharField(
        _("FIAS/GAR id"), max_length=36, null=True, blank=True, unique=True, default=None
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=LATITUDE_VALIDATORS,
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=LONGITUDE_VALIDATORS,
    )
    # Normalised words of the whole address between spaces (places/normalize.py): suggestions and
    # the filing form's match compare typed words with it.
    search = models.CharField(_("search text"), max_length=500, editable=False, default="")

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["street", "number", "building"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "number", "building"], name="house_unique_on_street"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="house_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.search = self.search_text()
        super().save(*args, **kwargs)

    def search_text(self) -> str:
        return house_search(
            settlement=self.street.settlement.name,
            street=self.street.name,
            number=self.number,
            building=self.building,
        )

    @property
    def short_label(self) -> str:
        """«ул. Ленинская, 12, корп. 2»"""
        label = f"{self.street}, {self.number}"
        return f"{label}, корп. {self.building}" if self.building else label

    @property
    def label(self) -> str:
        """«г. Петропавловск-Камчатский, ул. Ленинская, 12, корп. 2»: the address as filed."""
        return f"{self.street.settlement}, {self.short_label}"


class ServiceTerritory(models.Model):
    """Who serves a place: one house (a management company) or an area (a supplier, an operator)."""

    kind = models.CharField(_("service"), max_length=30, choices=ServiceKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="service_territories",
        verbose_name=_("organization"),
    )
    house = models.ForeignKey(
        House,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="territories",
        verbose_name=_("house"),
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="territories",
        verbose_name=_("settlement"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_territories",
        verbose_name=_("municipality"),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )

    class Meta:
        verbose_name = _("service territory")
        verbose_name_plural = _("service territories")
        ordering = ["kind", "organization", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="territory_valid_to_after_valid_from",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(house__isnull=False, settlement__isnull=True, municipality__isnull=True)
                | Q(house__isnull=True, settlement__isnull=False, municipality__isnull=True)
                | Q(house__isnull=True, settlement__isnull=True, municipality__isnull=False),
                name="territory_one_place",
                violation_error_message=_(
                    "Choose exactly one place: a house, a settlement or a municipality."
                ),
            ),
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "organization",
                    "house",
                    "settlement",
                    "municipality",
                    "valid_from",
                ],
                nulls_distinct=False,
                name="territory_unique_period",
            ),
        ]
        indexes = [models.Index(fields=["kind", "valid_from"], name="territory_kind_from_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organization} — {self.place}"

    @property
    def place(self):
        return self.house or self.settlement or self.municipality

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
