"""Reads of collective appeals: the signers, and the appeals a resident co-signed."""

from django.db.models import QuerySet
from django.http import Http404

from appeals.models import Answer, Appeal, CoSigner, Event


def signers(*, appeal: Appeal) -> list[CoSigner]:
    """The co-signers of a collective appeal in the order they signed (none for another appeal)."""
    if not appeal.is_collective:
        return []
    return list(CoSigner.objects.filter(appeal=appeal).select_related("citizen"))


def representative(*, appeal: Appeal, cosigners: list[CoSigner]):
    """The person the answer is addressed to: the co-signer marked so, else the author."""
    chosen = next((signature for signature in cosigners if signature.is_representative), None)
    return chosen.citizen if chosen is not None else appeal.citizen


def cosigned_appeals(*, user) -> QuerySet[CoSigner]:
    """The appeals the resident co-signed, newest signature first, with what the cabinet shows."""
    return (
        CoSigner.objects.filter(citizen=user)
        .select_related("appeal__category", "appeal__organization")
        .order_by("-created_at", "-pk")
    )


def get_cosigned_appeal(*, user, number: str) -> Appeal:
    """An appeal the user co-signed, read-only, with `signature` (their CoSigner row) and the
    answers when the answer is theirs to read (the representative, or a copy was asked for);
    anyone else's is a 404."""
    signature = (
        CoSigner.objects.filter(citizen=user, appeal__number=number)
        .select_related(
            "appeal__category__parent",
            "appeal__organization",
            "appeal__municipality",
            "appeal__region",
            "appeal__citizen",
        )
        .first()
    )
    if signature is None:
        raise Http404
    appeal = signature.appeal
    appeal.signature = signature
    marked = (
        signature
        if signature.is_representative
        else CoSigner.objects.filter(appeal=appeal, is_representative=True)
        .select_related("citizen")
        .first()
    )
    appeal.representative = marked.citizen if marked is not None else appeal.citizen
    appeal.public_events = list(
        Event.objects.filter(appeal=appeal, is_public=True).order_by("created_at", "pk")
    )
    appeal.readable_answers = (
        list(Answer.objects.filter(appeal=appeal).select_related("organization", "signed_by"))
        if signature.is_representative or signature.wants_copy
        else []
    )
    return appeal
