from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("API partners")

    def ready(self) -> None:
        from core.outbox import register_template

        register_template(
            "api_invitation",
            subject=_("Appeal %(number)s is received: set a password to follow it online"),
            body_template="partners/email/api_invitation.txt",
        )
