from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Answer quality")

    def ready(self):
        from core.outbox import register_template

        register_template(
            "answer_returned_after_review",
            subject=_("The answer to appeal %(number)s is returned for rework: due %(due)s"),
            body_template="quality/email/answer_returned_after_review.txt",
        )
        register_template(
            "answer_released_after_review",
            subject=_("Your answer to appeal %(number)s passed the quality review and is sent"),
            body_template="quality/email/answer_released_after_review.txt",
        )
        register_template(
            "answer_held_for_review",
            subject=_("The answer to appeal %(number)s is waiting for your quality review"),
            body_template="quality/email/answer_held_for_review.txt",
        )
