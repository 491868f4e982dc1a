from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Derived statistics. Reads appeals and organizations; nothing imports it back."""

    name = "analytics"
    verbose_name = _("Analytics")
