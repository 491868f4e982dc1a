from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Federal reporting: the thematic classifier of appeals and the Decree 171 monthly report."""

    name = "reporting"
    verbose_name = _("Federal reporting")

    def ready(self):
        from reporting import signals  # noqa: F401 — connects the receivers
