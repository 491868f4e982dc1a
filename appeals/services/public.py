"""Public problems: the moderator's check of the public text, and the author's way back to private.

An appeal the citizen made public shows on /problems/ without personal data; its text only after a
moderator has read it and removed personal data of third parties (names, phones, addresses of
other people). Each check is an Event, so who published which words, and when, stays on record.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals import permissions
from appeals.models import TEXT_MAX_LENGTH, Appeal, Event
from appeals.workflow import transition
from core.errors import DomainError, NotAllowed


def _check_public_moderator(moderator):
    def check(appeal: Appeal) -> None:
        if not permissions.can_moderate(moderator, appeal):
            raise NotAllowed(_("Only a moderator of the appeal's region may do this."))
        if not appeal.is_public:
            raise DomainError(_("The author has not made this appeal public."))

    return check


@transaction.atomic
def publish_public_text(*, moderator, appeal_id: int, text: str) -> Appeal:
    """Publish the checked (redacted) text of a public appeal on its public page.

    Precondition: a moderator of the appeal's region; the appeal is public. Effect: `public_text`
    is the given text, marked checked by the moderator now; a `publish_public_text` event (not
    shown to the citizen's timeline as a status) records the published words.
    """
    text = text.strip()
    if not text:
        raise DomainError(_("The public text is empty: withhold the text instead."))
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("The public text is longer than %(max)s characters.") % {"max": TEXT_MAX_LENGTH}
        )
    now = timezone.now()

    def apply(appeal: Appeal) -> None:
        appeal.public_text = text
        appeal.public_text_checked_at = now
        appeal.public_text_checked_by = moderator

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.PUBLISH_PUBLIC_TEXT,
        actor=moderator,
        check=_check_public_moderator(moderator),
        apply=apply,
        is_public=False,
        data={"public_text": text},
    ).appeal


@transaction.atomic
def withhold_public_text(*, moderator, appeal_id: int, reason: str = "") -> Appeal:
    """Keep the text of a public appeal off its public page (it cannot be made safe to publish).

    Precondition: a moderator of the appeal's region; the appeal is public. Effect: no public text,
    marked checked, so the public page says the text is not published; a `withhold_public_text`
    event with the reason.
    """
    now = timezone.now()

    def apply(appeal: Appeal) -> None:
        appeal.public_text = ""
        appeal.public_text_checked_at = now
        appeal.public_text_checked_by = moderator

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.WITHHOLD_PUBLIC_TEXT,
        actor=moderator,
        check=_check_public_moderator(moderator),
        apply=apply,
        comment=reason.strip()[:2000],
        is_public=False,
    ).appeal


@transaction.atomic
def make_appeal_private(*, citizen, appeal_id: int) -> Appeal:
    """The author withdraws their appeal from /problems/.

    Precondition: the citizen is the author. Effect: not public, the public text forgotten (a later
    publication is checked afresh); a `make_private` event. Private already: nothing changes.
    """

    def check(appeal: Appeal) -> None:
        if appeal.citizen_id != getattr(citizen, "pk", None):
            raise NotAllowed()

    appeal = Appeal.objects.only("is_public", "citizen_id").get(pk=appeal_id)
    if appeal.citizen_id != getattr(citizen, "pk", None):
        raise NotAllowed()
    if not appeal.is_public:
        return Appeal.objects.get(pk=appeal_id)

    def apply(appeal: Appeal) -> None:
        appeal.is_public = False
        appeal.public_text = ""
        appeal.public_text_checked_at = None
        appeal.public_text_checked_by = None

    return transition(
        appeal_id=appeal_id,
        action=Event.Action.MAKE_PRIVATE,
        actor=citizen,
        check=check,
        apply=apply,
    ).appeal
