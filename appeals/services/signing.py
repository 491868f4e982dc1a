"""Answer signing: where the appeal's regime names a signer (the head or an authorised official),
an executor's answer waits for that signature; the released answer states who signed it."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines, permissions
from appeals.models import AnswerDraft, Appeal, Attachment, Event
from appeals.services import fixes
from appeals.services.common import staff_check
from appeals.services.officials import check_not_complained_official, complained_user_id
from appeals.services.work import check_outcome, release_answer
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.models import Membership
from organizations.selectors import heads_by_organization
from regimes.models import Signer


def may_sign(user, appeal: Appeal) -> bool:
    """Whether `user` may release the appeal's answer under its regime."""
    if appeal.complained_official_id is not None and complained_user_id(appeal) == user.pk:
        return False  # a complaint about their own actions (appeals/services/officials.py)
    regime = deadlines.regime_of(appeal)
    if regime is None or regime.signer == Signer.EXECUTOR:
        return permissions.can_work_on(user, appeal)
    if permissions.is_head_of(user, appeal):
        return True
    return regime.signer == Signer.AUTHORISED and (
        Membership.objects.filter(
            user=user,
            organization_id=appeal.organization_id,
            role__in=Membership.ORGANIZATION_ROLES,
            signs_answers=True,
        ).exists()
    )


def signer_needed(*, appeal_id: int, actor) -> bool | None:
    """None: the regime asks for no signature; False: `actor` signs it; True: another must."""
    appeal = (
        Appeal.objects.filter(pk=appeal_id)
        .only("pk", "regime_version_id", "organization_id", "status", "complained_official_id")
        .first()
    )
    if appeal is None:
        return None
    regime = deadlines.regime_of(appeal)
    if regime is None or regime.signer == Signer.EXECUTOR:
        return None
    return not may_sign(actor, appeal)


def pending_draft(appeal: Appeal) -> AnswerDraft | None:
    """The answer waiting for signature (not one held for the quality review: quality/)."""
    return (
        AnswerDraft.objects.filter(
            appeal=appeal, returned_at__isnull=True, stage=AnswerDraft.Stage.SIGNATURE
        )
        .select_related("author")
        .first()
    )


def _signers(appeal: Appeal) -> list:
    heads = heads_by_organization(organization_ids=[appeal.organization_id]).get(
        appeal.organization_id, []
    )
    authorised = [
        m.user
        for m in Membership.objects.filter(
            organization_id=appeal.organization_id, signs_answers=True, user__is_active=True
        ).select_related("user")
    ]
    excluded = complained_user_id(appeal)
    return list({user.pk: user for user in [*heads, *authorised] if user.pk != excluded}.values())


@transaction.atomic
def send_for_signature(
    *,
    actor,
    appeal_id: int,
    text: str,
    uploads=(),
    draft_key: uuid.UUID | None = None,
    outcome: str = "",
    work_status: str = "",
    planned_on=None,
) -> Appeal:
    """The executor's answer waits for the signer; its files wait with it. One at a time.
    The work on site it states (appeals/services/fixes.py) is checked now and waits with it."""
    uploads = list(uploads)
    key = draft_key or uuid.uuid4()
    kept = Attachment.objects.filter(
        draft_key=key, appeal__isnull=True, answer__isnull=True, uploaded_by=actor
    ).count()
    attachments.check_count(existing=kept, adding=len(uploads))

    def check(appeal: Appeal) -> None:
        staff_check(actor)(appeal)
        check_not_complained_official(appeal, actor)
        check_outcome(appeal, outcome)
        fixes.check_work(
            appeal, work_status=work_status, planned_on=planned_on, proof_files=kept + len(uploads)
        )
        if pending_draft(appeal) is not None:
            raise DomainError(_("An answer to this appeal is already waiting for signature."))
        if AnswerDraft.objects.filter(
            appeal=appeal, returned_at__isnull=True, stage=AnswerDraft.Stage.REVIEW
        ).exists():
            raise DomainError(
                _("An answer to this appeal is already waiting for the quality review.")
            )

    appeal = transition(
        appeal_id=appeal_id,
        action=Event.Action.SEND_FOR_SIGNATURE,
        actor=actor,
        check=check,
        is_public=False,
    ).appeal
    for upload in uploads:
        attachments.store_attachment(upload=upload, uploaded_by=actor, draft_key=key)
    AnswerDraft.objects.filter(appeal=appeal).delete()  # a version returned earlier
    AnswerDraft.objects.create(
        appeal=appeal,
        author=actor,
        text=text.strip(),
        outcome=outcome,
        draft_key=key,
        review_round=appeal.review_round,
        **fixes.work_fields(work_status=work_status, planned_on=planned_on),
    )
    for signer in _signers(appeal):
        notify(recipient=signer, appeal=appeal, template="signature_needed", email=False)
    return appeal


@transaction.atomic
def sign_answer(
    *, signer, appeal_id: int, text: str | None = None, outcome: str | None = None
) -> Appeal:
    """The signer releases the waiting answer (edited or as it is, with the result of the review
    the executor stated unless the signer changes it) to the citizen."""
    appeal = Appeal.objects.get(pk=appeal_id)
    draft = pending_draft(appeal)
    if draft is None:
        raise DomainError(_("No answer is waiting for signature."))
    final = (text if text is not None else draft.text).strip()
    if not final:
        raise DomainError(_("The answer is empty."))

    def check(locked: Appeal) -> None:
        check_not_complained_official(locked, signer)
        if not may_sign(signer, locked):
            raise NotAllowed(_("Only the person the rules name may sign this answer."))

    appeal = release_answer(
        actor=signer,
        author=draft.author,
        appeal_id=appeal_id,
        text=final,
        draft_key=draft.draft_key,
        signed_by=signer,
        check=check,
        outcome=draft.outcome if outcome is None else outcome,
        work_status=draft.work_status,
        planned_on=draft.planned_on,
        new_work=False,
    )
    draft.delete()
    # Held for the quality review instead (quality/services.py): the author hears on its release.
    if draft.author_id != signer.pk and appeal.status == Appeal.Status.ANSWERED:
        notify(recipient=draft.author, appeal=appeal, template="answer_signed", email=False)
    return appeal


def mark_returned(draft: AnswerDraft, *, by, comment: str) -> None:
    """A waiting answer comes back to its author (from the signer or the quality review): it
    keeps the comment until the author sends a new version."""
    draft.returned_at = timezone.now()
    draft.returned_by = by
    draft.return_comment = comment.strip()
    draft.save(update_fields=["returned_at", "returned_by", "return_comment"])


@transaction.atomic
def return_for_rework(*, signer, appeal_id: int, comment: str) -> Appeal:
    """The signer sends the waiting answer back to its author, saying what to change."""
    if not comment.strip():
        raise DomainError(_("Say what to change in the answer."))
    result = {}

    def check(appeal: Appeal) -> None:
        check_not_complained_official(appeal, signer)
        if not may_sign(signer, appeal):
            raise NotAllowed(_("Only the person the rules name may sign this answer."))
        result["draft"] = pending_draft(appeal)
        if result["draft"] is None:
            raise DomainError(_("No answer is waiting for signature."))

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.RETURN_FOR_REWORK,
        actor=signer,
        check=check,
        comment=comment.strip(),
        is_public=False,
    )
    draft = result["draft"]
    mark_returned(draft, by=signer, comment=comment)
    notify(
        recipient=draft.author,
        appeal=outcome.appeal,
        template="answer_returned",
        context={"comment": comment.strip()},
        email=False,
    )
    return outcome.appeal
