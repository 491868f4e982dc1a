"""Partner systems (a municipal website, the mobile app) and the API keys they file appeals with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """One key of one partner. Only a SHA-256 digest of the key is stored; the key is shown once.

    Keys are 256-bit random strings, so a fast digest is enough (nothing to brute-force, unlike a
    password); the `prefix` finds the row without scanning and tells keys apart in the admin.
    """

    partner = models.CharField(
        _("partner"), max_length=200, help_text=_("Who uses the key: a system and its operator.")
    )
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("Whom to ask about this key.")
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["partner", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(digest=""), name="api_key_has_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
