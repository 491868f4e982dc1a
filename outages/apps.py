from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutagesConfig(AppConfig):
    name = "outages"
    verbose_name = _("Outages and planned works")

    def ready(self):
        from core.outbox import register_template

        register_template(
            "outage_published",
            subject=_("%(title)s: %(period)s, %(place)s"),
            body_template="outages/email/outage_published.txt",
        )
