"""The appeals' notices in the outbox (core.outbox): their subjects, bodies and context.

Registered by AppealsConfig.ready(); bodies live in appeals/templates/appeals/email/<name>.txt.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from appeals.deadlines import regime_of
from appeals.models import Ground
from core import outbox
from regimes.models import Notice

SUBJECTS = {
    "submitted": _("Appeal %(number)s is received"),
    "registered": _("Appeal %(number)s is registered"),
    "rejected": _("Appeal %(number)s is not accepted for consideration"),
    "redirected": _("Appeal %(number)s is redirected"),
    "clarification_requested": _("Please clarify appeal %(number)s"),
    "clarification_replied": _("The citizen has clarified appeal %(number)s"),
    "deadline_extended": _("The term of appeal %(number)s is extended"),
    "answered": _("Appeal %(number)s is answered: please rate the answer"),
    "reopened": _("Appeal %(number)s is sent back for re-review"),
    "closed": _("Appeal %(number)s is closed"),
    "flagged": _("Appeal %(number)s needs the moderator's attention"),
    "invitation": _("Appeal %(number)s is registered: set a password to follow it online"),
    "due_soon": _("The answer to appeal %(number)s is due on %(due)s"),
    "overdue": _("Appeal %(number)s is overdue: the term ended on %(due)s"),
    "overdue_digest": _("Newly overdue appeals of the region: %(count)s"),
    "registration_overdue": _("Appeals waiting for registration longer than 3 days: %(count)s"),
    "rating_reminder": _("Please rate the answer to appeal %(number)s"),
    "supported_answered": _("The problem %(number)s you joined is answered"),
    "withdrawn": _("Appeal %(number)s is withdrawn by the citizen"),
    "documents_added": _("The citizen has added documents to appeal %(number)s"),
    "made_official": _("Appeal %(number)s is now an official 59-FZ appeal"),
    "signature_needed": _("The answer to appeal %(number)s is waiting for your signature"),
    "answer_signed": _("Your answer to appeal %(number)s is signed and sent"),
    "answer_returned": _("Your answer to appeal %(number)s is returned for rework"),
    "daily_digest": _("Your work today: %(count)s changes"),
    "materials_requested": _("The citizen asks to read the materials of appeal %(number)s"),
    "materials_granted": _("You may read the materials of appeal %(number)s"),
    "materials_refused": _("Reading the materials of appeal %(number)s is refused"),
    "answer_to_representative": _(
        "Appeal %(number)s is answered: the answer is addressed to you as the signers' representative"
    ),
    "answer_copy": _("A copy of the answer to collective appeal %(number)s that you signed"),
    "copies_sent": _("Appeal %(number)s is sent to several organizations"),
    "answered_all": _("Every organization has answered appeal %(number)s: please rate the answers"),
    # Proof of fix (appeals/services/fixes.py)
    "fix_confirmed": _("The citizen confirmed the work on appeal %(number)s is done"),
    "fix_refuted": _("The citizen says the work on appeal %(number)s is not done"),
    "fix_escalated": _("Appeal %(number)s is escalated to the supervising body"),
    "work_reminder": _("Work on appeal %(number)s is planned for %(planned_on)s"),
    "fix_question": _("Appeal %(number)s: is the work done?"),
    "work_done_reported": _("Appeal %(number)s: the organization reports the work done"),
}


# The notices a regime can make mandatory (RegimeVersion.notices), by the template carrying each.
REQUIRED_BY = {
    "registered": Notice.REGISTERED,
    "redirected": Notice.FORWARDED,
    "deadline_extended": Notice.EXTENDED,
    "answered": Notice.ANSWERED,
    "answered_all": Notice.ANSWERED,  # the consolidated answer of an appeal sent to several bodies
}


def notify_citizen(
    *, appeal, template: str, context: dict | None = None, notice: str | None = None
) -> None:
    """The notice to the appeal's author, marked required where the appeal's regime lists it
    (59-FZ: registration, forwarding, extension, the answer, leaving without an answer), so staff
    can show it was sent. `notice`: the Notice it is where the template alone does not say (the
    «closed» letter ends a review on a ground of art. 11, or after the answer)."""
    version = regime_of(appeal)
    required = version is not None and (notice or REQUIRED_BY.get(template)) in version.notices
    outbox.notify(
        recipient=appeal.citizen,
        appeal=appeal,
        template=template,
        context=context,
        required=required,
    )


def _ground_label(context: dict) -> dict:
    """The label of a coded ground, in the language the e-mail is rendered in."""
    if context.get("ground") in Ground.values:
        return {"ground_label": Ground(context["ground"]).label}
    return {}


def register() -> None:
    for name, subject in SUBJECTS.items():
        outbox.register_template(
            name,
            subject=subject,
            body_template=f"appeals/email/{name}.txt",
            extra_context=_ground_label,
        )


def retry_failed(*, actor, notification_ids: list[int]) -> int:
    """Give failed deliveries (e-mails, pushes, SMS) a fresh set of attempts (after the mail
    server, the push service or the SMS gateway is fixed); audited."""
    from accounts.models import AuditEvent

    with transaction.atomic():
        ids = outbox.retry_failed(notification_ids=notification_ids)
        if ids:
            AuditEvent.objects.create(
                actor=actor, action="notifications_retried", changes={"ids": ids}
            )
    return len(ids)
