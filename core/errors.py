"""Domain errors shared by every app: a refused action with a message for the person who tried it."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused action, with a message that can be shown to the person who tried it."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class AlreadyDone(DomainError):
    """Someone else already did this (two moderators accepting one appeal)."""


class NotAllowed(DomainError):
    """The actor's role does not allow this action on this appeal."""

    def __init__(self, message=None):
        super().__init__(message or _("You are not allowed to do this with this appeal."))


class Undeliverable(Exception):
    """A notice cannot reach its recipient on this channel, now or later (no subscribed browser,
    no phone): the outbox marks it failed at once instead of trying again."""
