from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegimesConfig(AppConfig):
    name = "regimes"
    verbose_name = _("Legal regimes")

    def ready(self):
        from regimes import signals  # noqa: F401
