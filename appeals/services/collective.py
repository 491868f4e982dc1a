"""A collective appeal (59-FZ art. 4): one appeal, one number, several signers.

The author opens the appeal to co-signers while it waits for registration and shares the join
link (its secret is `Appeal.collective_token`). Co-signers sign it through the link; only those
identified as an electronic 59-FZ appeal needs (547-FZ) may. Signing and withdrawing a signature
close with registration. The author names the representative among the signers (the author
until then); the answer goes to the representative, a copy to each co-signer who asked for one.

Each change goes through the transition table (the status stays) with the appeal row locked, so
`cosigners_count` never drifts from the rows and two clicks never sign twice.
"""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from appeals.identification import account_assurance, answer_email_allowed
from appeals.models import Answer, Appeal, CoSigner, Event
from appeals.services.citizen import owner_check
from appeals.workflow import transition
from core.errors import DomainError
from core.outbox import notify
from regimes.models import Assurance
from regimes.selectors import appeal_assurance_needed

S = Appeal.Status


class NotIdentified(DomainError):
    """The person's identity is not verified as a 59-FZ electronic appeal needs (547-FZ)."""

    def __init__(self):
        super().__init__(
            _(
                "Only a person whose identity is verified through Gosuslugi may sign a collective "
                "appeal: an electronic appeal under Federal Law 59-FZ comes from an identified "
                "person (Federal Law 547-FZ). Sign in through Gosuslugi and open the link again."
            )
        )


class SigningClosed(DomainError):
    """The appeal is past moderation: signatures are neither added nor withdrawn any more."""

    def __init__(self, appeal: Appeal):
        if appeal.status == S.REJECTED:
            message = _(
                "Appeal %(number)s was not accepted for consideration: it no longer collects "
                "signatures."
            )
        else:
            message = _(
                "Appeal %(number)s is already registered: signatures are no longer collected or "
                "withdrawn."
            )
        super().__init__(message % {"number": appeal.number})


class InvalidLink(DomainError):
    def __init__(self):
        super().__init__(_("This link to sign a collective appeal is not valid."))


def may_sign(user) -> bool:
    """Whether the person is identified as a 59-FZ electronic appeal needs on the site."""
    needed = appeal_assurance_needed(channel=Appeal.Channel.WEB)
    return needed != Assurance.NEVER and Assurance.rank(account_assurance(user)) >= Assurance.rank(
        needed
    )


def _locked(appeal_id: int) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).get(pk=appeal_id)


@transaction.atomic
def collect_signatures(*, citizen, appeal_id: int) -> Appeal:
    """The author makes their appeal collective: a join link for co-signers.

    Precondition: the citizen's own appeal, still waiting for registration. Effect: an
    unguessable token for the link and a `collect_signatures` event; asked again, the same link.
    """
    appeal = _locked(appeal_id)
    owner_check(citizen)(appeal)
    if appeal.is_collective:
        return appeal

    def apply(locked: Appeal) -> None:
        locked.collective_token = secrets.token_urlsafe(32)

    return transition(
        appeal_id=appeal.pk,
        action=Event.Action.COLLECT_SIGNATURES,
        actor=citizen,
        apply=apply,
    ).appeal


def collective_by_token(token: str) -> Appeal:
    appeal = (
        Appeal.objects.filter(collective_token=token).first()
        if token and len(token) <= 64
        else None
    )
    if appeal is None:
        raise InvalidLink()
    return appeal


@transaction.atomic
def cosign_appeal(*, citizen, token: str, wants_copy: bool) -> CoSigner:
    """The citizen signs the collective appeal of the join link `token`.

    Precondition: an identified person (the level a 59-FZ electronic appeal needs), with a name
    and an address for the answer, not the author; the appeal not registered yet. Effect: a
    CoSigner row with the wish for a copy of the answer, `cosigners_count` + 1 and a `cosign`
    event. Signing again changes nothing and returns the signature (even after registration).
    """
    appeal = _locked(collective_by_token(token).pk)
    if appeal.citizen_id == citizen.pk:
        raise DomainError(
            _("This is your own appeal: you signed it when filing. Share the link with others.")
        )
    existing = CoSigner.objects.filter(appeal=appeal, citizen=citizen).first()
    if existing is not None:
        return existing
    if appeal.status != S.SUBMITTED:
        raise SigningClosed(appeal)
    if not may_sign(citizen):
        raise NotIdentified()
    if not citizen.has_answer_details:
        raise DomainError(
            _("Before signing, fill in your name and an address for the answer in your profile.")
        )

    def apply(locked: Appeal) -> None:
        locked.cosigners_count += 1

    transition(
        appeal_id=appeal.pk,
        action=Event.Action.COSIGN,
        actor=citizen,
        apply=apply,
        data={"wants_copy": bool(wants_copy), "assurance": account_assurance(citizen)},
    )
    return CoSigner.objects.create(appeal=appeal, citizen=citizen, wants_copy=bool(wants_copy))


@transaction.atomic
def withdraw_signature(*, citizen, appeal_id: int) -> bool:
    """A co-signer withdraws their signature before registration; withdrawing again changes nothing.

    Returns True when a signature was withdrawn now. Effect: the CoSigner row is deleted,
    `cosigners_count` − 1, a `withdraw_signature` event; a representative leaving hands the
    representation back to the author.
    """
    appeal = _locked(appeal_id)
    signature = CoSigner.objects.filter(appeal=appeal, citizen=citizen).first()
    if signature is None:
        return False
    if appeal.status != S.SUBMITTED:
        raise SigningClosed(appeal)

    def apply(locked: Appeal) -> None:
        locked.cosigners_count = max(locked.cosigners_count - 1, 0)

    transition(
        appeal_id=appeal.pk,
        action=Event.Action.WITHDRAW_SIGNATURE,
        actor=citizen,
        apply=apply,
        data={"was_representative": signature.is_representative},
    )
    signature.delete()
    return True


@transaction.atomic
def choose_representative(*, citizen, appeal_id: int, cosigner_id: int | None) -> Appeal:
    """The author names the signers' representative: a co-signer (`cosigner_id`, a CoSigner of
    this appeal) or themselves (None). The answer goes to the representative.

    Allowed until the answer; naming the one already chosen changes nothing. Effect: the mark on
    the co-signer's row and a `choose_representative` event.
    """
    appeal = _locked(appeal_id)
    owner_check(citizen)(appeal)
    if not appeal.is_collective:
        raise DomainError(_("This is not a collective appeal."))
    chosen = None
    if cosigner_id is not None:
        chosen = CoSigner.objects.filter(pk=cosigner_id, appeal=appeal).first()
        if chosen is None:
            raise DomainError(_("Choose the representative among the signers of the appeal."))
    current = CoSigner.objects.filter(appeal=appeal, is_representative=True).first()
    if (current and current.pk) == (chosen and chosen.pk):
        return appeal
    outcome = transition(
        appeal_id=appeal.pk,
        action=Event.Action.CHOOSE_REPRESENTATIVE,
        actor=citizen,
        data={"representative": "cosigner" if chosen else "author"},
    )
    CoSigner.objects.filter(appeal=appeal, is_representative=True).update(is_representative=False)
    if chosen is not None:
        CoSigner.objects.filter(pk=chosen.pk).update(is_representative=True)
    return outcome.appeal


def cosigned_url(appeal: Appeal) -> str:
    return reverse("appeals:cosigned", args=[appeal.number])


def notify_signers_of_answer(*, appeal: Appeal, answer: Answer) -> None:
    """The answer to the co-signers of a collective appeal, in the answering transaction: to the
    representative when a co-signer represents the signers, a copy to each co-signer who asked.

    The author's own notice (the rating request) is the answering service's; with the author as
    the representative it is the answer to the representative. The e-mail carries the text of
    the answer where answers may be e-mailed to that address (ANSWER_EMAIL_DOMAINS).
    """
    if not appeal.is_collective:
        return
    for signature in CoSigner.objects.filter(appeal=appeal).select_related("citizen"):
        if not (signature.is_representative or signature.wants_copy):
            continue
        recipient = signature.citizen
        context = {"organization": appeal.organization.name, "url": cosigned_url(appeal)}
        if answer_email_allowed(recipient):
            context["answer_text"] = answer.text
        notify(
            recipient=recipient,
            appeal=appeal,
            template="answer_to_representative" if signature.is_representative else "answer_copy",
            context=context,
        )
