"""The citizen's rights while an appeal is reviewed and after the answer (59-FZ art. 5).

Withdraw the appeal, add documents and explanations, complain about the answer to the
supervising body; make a platform message an official appeal after identifying (547-FZ). Each goes through the transition table and writes its event; the organization
is told.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines
from appeals.identification import account_assurance
from appeals.models import Appeal, Attachment, Event, Ground
from appeals.notices import notify_citizen
from appeals.services import copies
from appeals.services.citizen import citizen_file_count, draft_files, owner_check
from appeals.services.common import local_date
from appeals.services.filing import submit_appeal
from appeals.workflow import transition
from core.errors import DomainError
from core.outbox import notify
from organizations.selectors import heads_by_organization, official_of
from regimes.selectors import meets, regime_version_by_id, regime_version_for

S = Appeal.Status


def _tell_the_organization(appeal: Appeal, *, template: str, context: dict | None = None) -> None:
    """The executor when there is one, else the organization's heads (in the cabinet)."""
    if appeal.organization_id is None:
        return
    recipients = (
        [appeal.executor]
        if appeal.executor_id
        else heads_by_organization(organization_ids=[appeal.organization_id]).get(
            appeal.organization_id, []
        )
    )
    for recipient in recipients:
        notify(recipient=recipient, appeal=appeal, template=template, context=context, email=False)


@transaction.atomic
def withdraw_appeal(*, citizen, appeal_id: int, reason: str = "") -> Appeal:
    """The citizen withdraws the appeal before the answer: the review stops.

    Effect: a submitted appeal is not registered (rejected on the ground «withdrawn»), one under
    review is closed on that ground; the organization is told, the citizen gets the notice.
    An appeal sent to several organizations stops at each of them (its copies under review are
    withdrawn with it, each organization told); a copy withdrawn alone ends that part only.
    """

    done = Appeal.objects.filter(pk=appeal_id, citizen=citizen, ground=Ground.WITHDRAWN).first()
    if done is not None:  # sent twice (a double click): withdrawn already
        return done
    appeal = _withdraw(citizen=citizen, appeal_id=appeal_id, reason=reason)
    notify(
        recipient=citizen,
        appeal=appeal,
        template="closed",
        context={"ground": Ground.WITHDRAWN, "comment": ""},
    )
    if appeal.copy_of_id is not None:
        copies.part_done(appeal)  # the last part still under review: the others' answers
    for copy_id in appeal.copies.filter(
        status__in=[S.SUBMITTED, *Appeal.OPEN_STATUSES]
    ).values_list("pk", flat=True):
        _withdraw(citizen=citizen, appeal_id=copy_id, reason=reason)
    return appeal


def _withdraw(*, citizen, appeal_id: int, reason: str) -> Appeal:
    def choose(appeal: Appeal) -> str:
        return S.REJECTED if appeal.status == S.SUBMITTED else S.CLOSED

    def apply(appeal: Appeal) -> None:
        appeal.ground = Ground.WITHDRAWN
        appeal.closed_at = timezone.now()
        if appeal.status != S.SUBMITTED:
            appeal.close_reason = Appeal.CloseReason.GROUND

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.WITHDRAW,
        actor=citizen,
        check=owner_check(citizen),
        apply=apply,
        to_status=choose,
        reason_code=Ground.WITHDRAWN,
        comment=reason.strip(),
    )
    _tell_the_organization(outcome.appeal, template="withdrawn")
    return outcome.appeal


@transaction.atomic
def add_documents(
    *, citizen, appeal_id: int, text: str = "", uploads=(), draft_key: uuid.UUID | None = None
) -> Appeal:
    """Explanations and files added by the citizen to an appeal under review.

    The files join the appeal's own (five at most in all, as on the filing form); the text is a
    new timeline entry; the executor (or the heads) are told.
    """
    text = text.strip()
    uploads = list(uploads)
    drafts = list(draft_files(citizen=citizen, draft_key=draft_key))
    if not text and not uploads and not drafts:
        raise DomainError(_("Write an explanation or attach a document."))

    def check(appeal: Appeal) -> None:
        owner_check(citizen)(appeal)
        attachments.check_count(
            existing=citizen_file_count(appeal) + len(drafts), adding=len(uploads)
        )

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.ADD_DOCUMENTS,
        actor=citizen,
        check=check,
        comment=text,
        data={"files": len(uploads) + len(drafts)},
    )
    appeal = outcome.appeal
    if drafts:
        Attachment.objects.filter(pk__in=[d.pk for d in drafts]).update(
            appeal=appeal, draft_key=None
        )
    attachments.store_uploads(uploads=uploads, uploaded_by=citizen, appeal=appeal)
    _tell_the_organization(appeal, template="documents_added")
    return appeal


def supervising_body(appeal: Appeal):
    """Who reviews a complaint about the answer: the parent of the organization that answered."""
    organization = appeal.organization
    if organization is None or organization.parent_id is None:
        return None
    parent = organization.parent
    return parent if parent.is_active else None


@transaction.atomic
def complain_about_answer(*, citizen, appeal_id: int, text: str) -> Appeal:
    """A complaint about the answer, to the supervising body: a new appeal linked to this one.

    The complaint has its own number and term; it goes through moderation like any appeal, with
    the supervising body (the parent organization) proposed, and never to the organization
    complained about. One complaint under review at a time. Returns the new appeal.
    """
    text = text.strip()
    if len(text) < 20:
        raise DomainError(_("Say what is wrong with the answer (at least 20 characters)."))

    def check(appeal: Appeal) -> None:
        owner_check(citizen)(appeal)
        if not appeal.answers.exists():
            raise DomainError(_("There is no answer to complain about yet."))
        pending = appeal.complaints_about_answer.exclude(status__in=[S.REJECTED, S.CLOSED])
        if pending.exists():
            raise DomainError(
                _("Your complaint %(number)s about this answer is still being reviewed.")
                % {"number": pending.first().number}
            )

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.COMPLAIN,
        actor=citizen,
        check=check,
        comment=text,
    )
    original = outcome.appeal
    answer = original.answers.order_by("-review_round").first()
    complaint = submit_appeal(
        citizen=citizen,
        category=original.category,
        municipality=original.municipality,
        address=original.address,
        text=text,
        complained_organization=original.organization,
        # The answer is the act of whoever signed it (or wrote it): a complaint about it never
        # reaches them (appeals/services/officials.py).
        complained_official=official_of(
            organization_id=answer.organization_id, user_id=answer.signed_by_id or answer.author_id
        ),
        complaint_about=original,
        proposed_organization=supervising_body(original),
        idempotency_key=uuid.uuid4(),
    )
    outcome.event.data = {"complaint": complaint.number}
    outcome.event.save(update_fields=["data"])
    return complaint


@transaction.atomic
def make_official(*, citizen, appeal_id: int) -> Appeal:
    """Convert a platform message into the 59-FZ appeal it would have been (547-FZ).

    Precondition: the appeal was reviewed under the fallback because its author was not
    identified, and the author now is (signed in through Gosuslugi). Effect: the appeal takes
    the rules in force today and a fresh registration (a new full term from now); the citizen
    and the organization are told.
    """
    result = {}

    def check(appeal: Appeal) -> None:
        owner_check(citizen)(appeal)
        official = regime_version_by_id(appeal.official_regime_version_id)
        if official is None:
            raise DomainError(_("This appeal is already reviewed as an official appeal."))
        if not meets(official, channel=Appeal.Channel.WEB, assurance=account_assurance(citizen)):
            raise DomainError(
                _("Sign in through Gosuslugi first: an official appeal needs a verified identity.")
            )
        current = regime_version_for(
            category_id=appeal.category_id,
            parent_id=appeal.category.parent_id,
            organization_kind=appeal.organization.kind,
            as_of=timezone.now(),
        )
        result["version"] = (
            current if current and current.regime_id == official.regime_id else official
        )

    data = {}  # filled in by apply(), before the event is written

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        # The registration of an official appeal, at this body (the Decree 171 report counts it).
        data.update(regime=result["version"].regime.code, organization=appeal.organization_id)
        appeal.regime_version = result["version"]
        appeal.official_regime_version = None
        appeal.registered_at = now
        deadlines.start_fresh_term(appeal, start=now)

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.MAKE_OFFICIAL,
        actor=citizen,
        check=check,
        apply=apply,
        data=data,
    )
    appeal = outcome.appeal
    notify_citizen(
        appeal=appeal,
        template="registered",
        context={
            "organization": appeal.organization.name,
            "due": local_date(appeal, appeal.due_at),
            "term_days": result["version"].answer_days,
        },
    )
    _tell_the_organization(appeal, template="made_official")
    return appeal
