from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 — connects the identity-provider login receiver
        from core.outbox import register_template

        register_template(
            "held_appeal",
            subject=_("Appeal %(number)s names your e-mail: confirm that it is yours"),
            body_template="appeals/email/held_appeal.txt",
        )
