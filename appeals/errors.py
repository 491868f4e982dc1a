from django.utils.translation import gettext_lazy as _

from core.errors import AlreadyDone, DomainError, NotAllowed


class IllegalTransition(DomainError):
    def __init__(self, *, action: str, status_label):
        super().__init__(
            _("This action is not possible while the appeal is «%(status)s».")
            % {"status": status_label}
        )
        self.action = action


__all__ = ["AlreadyDone", "DomainError", "IllegalTransition", "NotAllowed"]
