from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Citizens registered by staff without an e-mail get a placeholder address in the reserved
# `.invalid` domain (RFC 2606): it identifies the account and never receives mail.
OFFLINE_EMAIL_DOMAIN = "pos.invalid"

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$", _("Enter a phone number such as +7 914 123-45-67.")
)


class UserManager(BaseUserManager):
    use_in_migrations = False

    def get_queryset(self):
        # The request's user is shown with its region's time zone on every page: one query, not three.
        return super().get_queryset().select_related("municipality__region")

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: signs in with e-mail; the profile holds what Federal Law 59-FZ needs for an answer."""

    email = models.EmailField(_("e-mail"), unique=True)
    last_name = models.CharField(_("surname"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    municipality = models.ForeignKey(
        "organizations.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("municipality of residence"),
    )
    postal_address = models.CharField(
        _("postal address"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where a written answer can be sent: postcode, settlement, street, house, flat."
        ),
    )
    identity_verified_at = models.DateTimeField(
        _("identity verified"),
        null=True,
        blank=True,
        help_text=_(
            "When the national identity provider (ESIA) last confirmed who this person is."
        ),
    )
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("May log in to the administration site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Staff who would rather have one e-mail a day than one per change of their queue (core.outbox:
    # notices the law requires and those about the person's own appeals still come at once).
    staff_digest = models.BooleanField(
        _("one e-mail a day about my work"),
        default=False,
        db_default=False,
        help_text=_(
            "Changes of your queue (due dates, overdue appeals, citizens' replies) come in one "
            "e-mail each morning instead of one e-mail each; the cabinet shows them at once."
        ),
    )
    # The channels of the person's notices besides the cabinet (core.outbox.notify writes a row for
    # each one chosen). Notices the law requires still go by e-mail when e-mail is off.
    notice_email = models.BooleanField(_("by e-mail"), default=True, db_default=True)
    notice_push = models.BooleanField(
        _("push notifications on this device"), default=False, db_default=False
    )
    notice_sms = models.BooleanField(_("SMS about my appeals"), default=False, db_default=False)
    # The person's own night, in their region's local time: push and SMS wait for its end (the
    # platform's NOTICE_QUIET_HOURS when unset); e-mails too only when `quiet_email` is on.
    quiet_from = models.PositiveSmallIntegerField(
        _("quiet hours from"), null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    quiet_to = models.PositiveSmallIntegerField(
        _("quiet hours until"), null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    quiet_email = models.BooleanField(
        _("hold e-mails during the quiet hours too"), default=False, db_default=False
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
            models.CheckConstraint(
                condition=(Q(quiet_from=None) & Q(quiet_to=None))
                | (
                    Q(quiet_from__isnull=False, quiet_to__isnull=False)
                    & Q(quiet_from__lte=23, quiet_to__lte=23)
                    & ~Q(quiet_from=models.F("quiet_to"))
                ),
                name="user_quiet_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    def get_initials_name(self) -> str:
        """«Петров Д. А.»: the surname with initials, as Russian lists and documents write it."""
        initials = " ".join(f"{part[0]}." for part in (self.first_name, self.patronymic) if part)
        return " ".join(part for part in (self.last_name, initials) if part) or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def has_answer_details(self) -> bool:
        """59-FZ: an appeal needs the author's name and an address for the answer."""
        return bool(self.last_name and self.first_name and (self.postal_address or self.email))

    @property
    def is_identity_verified(self) -> bool:
        """Logged in through the identity provider at least once: the level some votes require."""
        return self.identity_verified_at is not None

    @property
    def can_receive_email(self) -> bool:
        return bool(self.email) and not self.email.lower().endswith("@" + OFFLINE_EMAIL_DOMAIN)

    @property
    def quiet_hours(self) -> tuple[int, int] | None:
        """The person's own quiet hours (from, until), or None for the platform's."""
        if self.quiet_from is None or self.quiet_to is None:
            return None
        return self.quiet_from, self.quiet_to

    @property
    def display_timezone(self) -> str | None:
        if self.municipality_id is None:
            return None
        return self.municipality.region.timezone


class AuditEvent(models.Model):
    """Who changed what outside the appeal timeline (profiles, roles, settings)."""

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=50, db_index=True)
    target_user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("affected user"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
