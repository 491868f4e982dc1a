"""Work of the responsible organization: take, assign, clarify, redirect, extend, answer, close."""

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import attachments, deadlines, permissions
from appeals.identification import answer_email_allowed
from appeals.models import Answer, Appeal, Attachment, ClarificationMessage, Event, Ground
from appeals.notices import notify_citizen
from appeals.services import copies, fixes
from appeals.services.collective import notify_signers_of_answer
from appeals.services.common import check_receiving_organization, local_date, staff_check
from appeals.services.officials import check_not_complained_official
from appeals.services.support import notify_supporters_of_answer
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed
from core.outbox import notify
from organizations.models import Membership, Organization
from regimes.models import Notice, Outcome

FRESH_TERM_REDIRECT_WINDOW = deadlines.FRESH_TERM_REDIRECT_WINDOW
STAFF_REDIRECT_LIMIT = 3
MAX_EXTENSION_DAYS = 30


def _head(actor):
    def check(appeal: Appeal) -> None:
        if not permissions.is_head_of(actor, appeal):
            raise NotAllowed(_("Only the head of the organization may do this."))

    return check


@transaction.atomic
def take_appeal(*, executor, appeal_id: int) -> Appeal:
    """The executor takes a registered appeal into work."""

    def check(appeal: Appeal) -> None:
        staff_check(executor)(appeal)
        check_not_complained_official(appeal, executor)

    def apply(appeal: Appeal) -> None:
        appeal.executor = executor

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.TAKE,
        actor=executor,
        check=check,
        apply=apply,
    ).appeal


@transaction.atomic
def assign_appeal(*, head, appeal_id: int, executor) -> Appeal:
    """The head gives the appeal to an executor of the responsible organization."""

    def check(appeal: Appeal) -> None:
        _head(head)(appeal)
        if not Membership.objects.filter(
            user=executor,
            organization_id=appeal.organization_id,
            role__in=Membership.ORGANIZATION_ROLES,
        ).exists():
            raise DomainError(
                _("%(person)s does not work in the responsible organization.")
                % {"person": executor}
            )
        check_not_complained_official(appeal, executor)

    def apply(appeal: Appeal) -> None:
        appeal.executor = executor

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.ASSIGN,
        actor=head,
        check=check,
        apply=apply,
        is_public=False,
        data={"executor": executor.pk},
    )
    if outcome.changed and executor.pk != head.pk:
        notify(
            recipient=executor,
            appeal=outcome.appeal,
            template="registered",
            context={
                "organization": outcome.appeal.organization.name,
                "due": local_date(outcome.appeal, outcome.appeal.due_at),
                "term_days": deadlines.term_of(outcome.appeal)[0],
            },
            email=False,
        )
    return outcome.appeal


@transaction.atomic
def request_clarification(*, actor, appeal_id: int, text: str) -> Appeal:
    """Ask the citizen to clarify; the appeal waits for the reply (the legal term keeps running)."""
    if not text.strip():
        raise DomainError(_("Write what needs clarifying."))

    def check(appeal: Appeal) -> None:
        staff_check(actor)(appeal)
        check_not_complained_official(appeal, actor)

    def apply(appeal: Appeal) -> None:
        if appeal.executor_id is None:
            appeal.executor = actor

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REQUEST_CLARIFICATION,
        actor=actor,
        check=check,
        apply=apply,
        comment=text.strip(),
    )
    if outcome.changed:
        ClarificationMessage.objects.create(
            appeal=outcome.appeal,
            author=actor,
            kind=ClarificationMessage.Kind.REQUEST,
            text=text.strip(),
        )
        notify(
            recipient=outcome.appeal.citizen,
            appeal=outcome.appeal,
            template="clarification_requested",
            context={"question": text.strip()},
        )
    return outcome.appeal


@transaction.atomic
def redirect_appeal(*, actor, appeal_id: int, organization: Organization, reason: str) -> Appeal:
    """Send the appeal to the competent organization.

    Allowed until the answer. Within 7 days of registration the new organization gets a fresh
    term and an extension of the old one is dropped; later the deadline stands, extension
    included (59-FZ art. 8; the rule in appeals/deadlines.py). Never to the organization the
    appeal complains about. After three redirects only the regional moderator may redirect.
    """
    if not reason.strip():
        raise DomainError(_("Say why the appeal goes to another organization."))

    def check(appeal: Appeal) -> None:
        is_moderator = permissions.can_moderate(actor, appeal)
        if not (is_moderator or permissions.can_work_on(actor, appeal)):
            raise NotAllowed()
        if organization.pk == appeal.organization_id:
            raise DomainError(_("The appeal is already with this organization."))
        check_receiving_organization(appeal, organization)
        if appeal.redirect_count >= STAFF_REDIRECT_LIMIT and not is_moderator:
            raise NotAllowed(
                _(
                    "The appeal has been redirected %(count)s times: now the regional moderator decides where it goes."
                )
                % {"count": appeal.redirect_count}
            )

    fresh = {}
    # Filled in by apply(), before the event is written: where the appeal came from (the
    # sending body reports it as forwarded) and whether the new body got a fresh term.
    data = {"organization": organization.pk}

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        data["from"] = appeal.organization_id
        fresh["term"] = deadlines.redirect_gives_fresh_term(
            registered_at=appeal.registered_at,
            redirected_at=now,
            window=deadlines.forwarding_window(appeal),
        )
        if fresh["term"]:
            if appeal.extension_days is not None:
                fresh["dropped_extension_due"] = local_date(appeal, appeal.due_at)
            deadlines.start_fresh_term(appeal, start=now)
        data["fresh_term"] = fresh["term"]
        appeal.organization = organization
        appeal.executor = None
        appeal.redirect_count += 1

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.REDIRECT,
        actor=actor,
        check=check,
        apply=apply,
        comment=reason.strip(),
        data=data,
    )
    appeal = outcome.appeal
    notify_citizen(
        appeal=appeal,
        template="redirected",
        context={
            "organization": organization.name,
            "reason": reason.strip(),
            "due": local_date(appeal, appeal.due_at),
            "fresh_term": fresh.get("term", False),
            "dropped_extension_due": fresh.get("dropped_extension_due", ""),
        },
    )
    return appeal


@transaction.atomic
def extend_deadline(*, head, appeal_id: int, days: int, reason: str) -> Appeal:
    """Extend the term once, by up to 30 days, before it passes, with a reason; the citizen is told."""
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError(_("An extension is from 1 to 30 days."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension: the citizen will read it."))

    def check(appeal: Appeal) -> None:
        _head(head)(appeal)
        regime = deadlines.regime_of(appeal)
        if regime is not None and not regime.extension_allowed:
            raise DomainError(
                _("The rules of this appeal («%(regime)s») allow no extension of the term.")
                % {"regime": regime.regime.name}
            )
        if regime is not None and days > regime.extension_max_days:
            raise DomainError(
                _("Under «%(regime)s» the term may be extended by %(days)s days at most.")
                % {"regime": regime.regime.name, "days": regime.extension_max_days}
            )
        if appeal.extension_days is not None:
            raise DomainError(_("The term of this appeal has already been extended once."))
        if timezone.now() >= appeal.due_at:
            raise DomainError(_("The term has already passed: it can no longer be extended."))

    def apply(appeal: Appeal) -> None:
        appeal.due_at = deadlines.extend(
            due=appeal.due_at, days=days, region_timezone=appeal.region.timezone
        )
        appeal.extension_days = days
        appeal.extension_reason = reason.strip()

    appeal = transition(
        appeal_id=appeal_id,
        action=Event.Action.EXTEND_DEADLINE,
        actor=head,
        check=check,
        apply=apply,
        comment=reason.strip(),
        data={"days": days},
    ).appeal
    notify_citizen(
        appeal=appeal,
        template="deadline_extended",
        context={"days": days, "reason": reason.strip(), "due": local_date(appeal, appeal.due_at)},
    )
    return appeal


def outcomes_for(appeal: Appeal) -> list[str]:
    """The results of the review an answer to `appeal` may state: its regime's (no query)."""
    regime = deadlines.regime_of(appeal)
    return list(regime.outcomes) if regime is not None and regime.outcomes else list(Outcome.values)


def check_outcome(appeal: Appeal, outcome: str) -> None:
    """Refuse a result the appeal's regime does not allow (an empty one is "not stated")."""
    if outcome and outcome not in outcomes_for(appeal):
        raise DomainError(
            _(
                "The rules of this appeal do not allow this result of the review: choose one of the list."
            )
        )


@transaction.atomic
def answer_appeal(
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
    """Answer on the merits; the citizen is asked to rate the answer.

    `draft_key`: files the actor attached to an earlier try of this form that came back (kept by
    `keep_draft_uploads`) go with the answer too, besides `uploads`. Where the appeal's regime
    names a signer the actor is not, the answer waits for that signature instead
    (appeals/services/signing.py); the appeal's status then stays.
    """
    if not text.strip():
        raise DomainError(_("The answer is empty."))
    from appeals.services import signing  # signing releases answers through this module

    signer_needed = signing.signer_needed(appeal_id=appeal_id, actor=actor)
    if signer_needed:
        return signing.send_for_signature(
            actor=actor,
            appeal_id=appeal_id,
            text=text,
            uploads=uploads,
            draft_key=draft_key,
            outcome=outcome,
            work_status=work_status,
            planned_on=planned_on,
        )
    return release_answer(
        actor=actor,
        author=actor,
        appeal_id=appeal_id,
        text=text,
        uploads=uploads,
        draft_key=draft_key,
        signed_by=actor if signer_needed is not None else None,
        outcome=outcome,
        work_status=work_status,
        planned_on=planned_on,
    )


def release_answer(
    *,
    actor,
    author,
    appeal_id: int,
    text: str,
    uploads=(),
    draft_key: uuid.UUID | None = None,
    signed_by=None,
    check=None,
    outcome: str = "",
    reviewer=None,
    work_status: str = "",
    planned_on=None,
    new_work: bool = True,
) -> Appeal:
    """The answer goes to the citizen: written by `author`, released (and signed, when the regime
    asks) by `actor`; files of `author` kept under `draft_key` go with it. `outcome` is the result
    of the review it states, one its regime allows. `work_status` and `planned_on`: the work on
    site it states (appeals/services/fixes.py; `new_work=False` when a signer or reviewer releases
    a statement checked when it was written).

    An answer under the quality review (quality/services.py) is held instead, until `reviewer`
    releases it through this function."""
    uploads = list(uploads)
    drafts = (
        list(
            Attachment.objects.filter(
                draft_key=draft_key, appeal__isnull=True, answer__isnull=True, uploaded_by=author
            ).values_list("pk", flat=True)
        )
        if draft_key
        else []
    )
    attachments.check_count(existing=len(drafts), adding=len(uploads))

    def apply(appeal: Appeal) -> None:
        now = timezone.now()
        appeal.answered_at = now
        # The "answered" e-mail is the rating request; the sweeps remind after 3 days, close after 10.
        appeal.rating_requested_at = now
        appeal.rating_reminded_at = None
        appeal.rework_due_at = None  # the quality gate's rework term ends with the answer
        if appeal.executor_id is None:
            appeal.executor = author

    def check_all(appeal: Appeal) -> None:
        (check or staff_check(actor))(appeal)
        check_not_complained_official(appeal, actor)
        check_not_complained_official(appeal, author)
        check_outcome(appeal, outcome)
        # --- proof of fix (appeals/services/fixes.py) ---
        fixes.check_work(
            appeal,
            work_status=work_status,
            planned_on=planned_on,
            proof_files=len(drafts) + len(uploads),
            new=new_work,
        )

    # --- the answer quality gate (quality/services.py, issue 16) ---------------------------------
    if reviewer is None:
        from quality import services as quality  # the gate releases answers through this function

        if quality.review_needed(appeal_id=appeal_id):
            return quality.hold_answer(
                actor=actor,
                author=author,
                appeal_id=appeal_id,
                text=text,
                uploads=uploads,
                draft_key=draft_key,
                signed_by=signed_by,
                outcome=outcome,
                work_status=work_status,
                planned_on=planned_on,
                check=check_all,
            )
    # --- end of the quality gate -------------------------------------------------------------------
    data = {"signed_by": signed_by.pk} if signed_by is not None else {}
    if outcome:
        data["outcome"] = outcome
    # An answer linking to a published answer of general concern names it (answers/).
    from answers.selectors import linked_answer_data

    data.update(linked_answer_data(text=text, appeal_id=appeal_id))
    if reviewer is not None:
        data["reviewed_by"] = reviewer.pk
    work = fixes.work_fields(work_status=work_status, planned_on=planned_on)
    data.update(fixes.work_event_data(work))
    moved = transition(
        appeal_id=appeal_id,
        action=Event.Action.ANSWER,
        actor=actor,
        check=check_all,
        apply=apply,
        data=data or None,
    )
    appeal = moved.appeal
    if moved.changed:
        answer = Answer.objects.create(
            appeal=appeal,
            author=author,
            signed_by=signed_by,
            organization=appeal.organization,
            text=text.strip(),
            outcome=outcome,
            review_round=appeal.review_round,
            created_at=appeal.answered_at,
            **work,
        )
        if drafts:
            Attachment.objects.filter(pk__in=drafts).update(
                appeal=appeal, answer=answer, draft_key=None
            )
        for upload in uploads:
            attachments.store_attachment(
                upload=upload, uploaded_by=author, appeal=appeal, answer=answer
            )
        context = {"organization": appeal.organization.name}
        # The answer returns through the channel the citizen chose: the text by e-mail only when
        # asked for and to an allowed mail domain (appeals/identification.py); always in the cabinet.
        if appeal.answer_by_email and answer_email_allowed(appeal.citizen):
            context["answer_text"] = answer.text
        # A part of an appeal sent to several organizations: the citizen is told once, when the
        # last part is answered (appeals/services/copies.py).
        if not copies.part_done(appeal):
            notify_citizen(appeal=appeal, template="answered", context=context)
        notify_supporters_of_answer(appeal=appeal)
        notify_signers_of_answer(appeal=appeal, answer=answer)
    return appeal


@transaction.atomic
def close_on_ground(*, actor, appeal_id: int, ground: str, comment: str = "") -> Appeal:
    """Close without an answer on the merits on a coded ground, with the templated notice.

    "Repeated without new arguments" needs the head's decision (59-FZ art. 11 part 5).
    """
    if ground not in Ground.values:
        raise DomainError(_("Choose a ground from the list."))

    def check(appeal: Appeal) -> None:
        staff_check(actor)(appeal)
        regime = deadlines.regime_of(appeal)
        if regime is not None and regime.closing_grounds and ground not in regime.closing_grounds:
            raise DomainError(
                _("The rules of this appeal («%(regime)s») do not allow closing it on this ground.")
                % {"regime": regime.regime.name}
            )
        if ground == Ground.REPEATED and not permissions.is_head_of(actor, appeal):
            raise NotAllowed(_("Only the head may close a repeated appeal."))

    def apply(appeal: Appeal) -> None:
        appeal.ground = ground
        appeal.close_reason = Appeal.CloseReason.GROUND
        appeal.closed_at = timezone.now()

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.CLOSE_ON_GROUND,
        actor=actor,
        check=check,
        apply=apply,
        reason_code=ground,
        comment=comment,
    )
    if outcome.changed:
        # Leaving without an answer is a notice 59-FZ requires (art. 11): marked so, with its delivery.
        notify_citizen(
            appeal=outcome.appeal,
            template="closed",
            context={"ground": ground, "comment": comment},
            notice=Notice.LEFT_UNANSWERED,
        )
        copies.part_done(outcome.appeal)
    return outcome.appeal


@transaction.atomic
def close_appeal(
    *, appeal_id: int, actor=None, reason: str = Appeal.CloseReason.NOT_RATED
) -> Appeal:
    """Close an answered appeal (by default: no rating came in time; statistics keep it apart)."""

    def apply(appeal: Appeal) -> None:
        appeal.close_reason = reason
        appeal.closed_at = timezone.now()

    outcome = transition(
        appeal_id=appeal_id, action=Event.Action.CLOSE, actor=actor, apply=apply, reason_code=reason
    )
    # A copy closes unrated with its main appeal (the same consolidated request): the main
    # appeal's notice tells the citizen.
    quiet = outcome.appeal.copy_of_id is not None and reason == Appeal.CloseReason.NOT_RATED
    if outcome.changed and not quiet:
        notify(
            recipient=outcome.appeal.citizen,
            appeal=outcome.appeal,
            template="closed",
            context={"reason": reason},
        )
    return outcome.appeal


@transaction.atomic
def add_note(*, actor, appeal_id: int, text: str) -> Appeal:
    """An internal note of the organization; never shown to the citizen."""
    if not text.strip():
        raise DomainError(_("The note is empty."))

    def check(appeal: Appeal) -> None:
        if not (permissions.can_work_on(actor, appeal) or permissions.can_moderate(actor, appeal)):
            raise NotAllowed()

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.NOTE,
        actor=actor,
        check=check,
        comment=text.strip(),
        is_public=False,
    ).appeal


@transaction.atomic
def record_contacts_view(*, actor, appeal_id: int) -> None:
    """Personal data shown to staff is an audited event (152-FZ): who looked, when."""
    appeal = Appeal.objects.get(pk=appeal_id)
    if not (permissions.can_work_on(actor, appeal) or permissions.can_moderate(actor, appeal)):
        raise NotAllowed()
    Event.objects.create(
        appeal=appeal,
        actor=actor,
        action=Event.Action.VIEW_CONTACTS,
        is_public=False,
        created_at=timezone.now(),
    )


@transaction.atomic
def record_posting(*, actor, appeal_id: int, posted_on, tracking: str = "") -> Appeal:
    """The printed answer (appeals/letters.py) was sent by post: the date and tracking number go
    on the latest answer and into the timeline, where the citizen reads them too."""
    if posted_on > timezone.localdate():
        raise DomainError(_("The posting date cannot be in the future."))
    result = {}

    def check(appeal: Appeal) -> None:
        staff_check(actor)(appeal)
        result["answer"] = appeal.answers.order_by("-review_round").first()
        if result["answer"] is None:
            raise DomainError(_("There is no answer to post yet."))

    outcome = transition(
        appeal_id=appeal_id,
        action=Event.Action.POST_ANSWER,
        actor=actor,
        check=check,
        comment=tracking.strip(),
        data={"posted_on": posted_on.isoformat()},
    )
    answer = result["answer"]
    answer.posted_on = posted_on
    answer.post_tracking = tracking.strip()
    answer.save(update_fields=["posted_on", "post_tracking"])
    return outcome.appeal
