from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class AlreadyTookPart(DomainError):
    """The citizen's response is already recorded (a second attempt or a concurrent double submit)."""

    def __init__(self):
        super().__init__(
            _("You have already taken part. Thank you: your answers are counted once.")
        )


class InvalidAnswers(DomainError):
    """Answers that do not fit the questions; `errors` maps a question id to its message."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__(_("Some answers need your attention."))


__all__ = ["AlreadyTookPart", "DomainError", "InvalidAnswers"]
