from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Polls, votes and discussions")

    def ready(self):
        from core.outbox import register_template

        register_template(
            "survey_published",
            subject=_("New in your municipality: %(title)s"),
            body_template="surveys/email/survey_published.txt",
        )
        register_template(
            "discussion_published",
            subject=_("New public discussion: %(title)s"),
            body_template="surveys/email/discussion_published.txt",
        )
        register_template(
            "discussion_report",
            subject=_("The final report of the discussion «%(title)s» is published"),
            body_template="surveys/email/discussion_report.txt",
        )
