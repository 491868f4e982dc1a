"""Plain buttons that call one service: the outcome becomes a message on the next page."""

from collections.abc import Callable

from django.contrib import messages

from core.errors import DomainError


def report_outcome(request, call: Callable[[], object], *, success: str) -> bool:
    """Run `call` (a service call); its refusal is shown as an error, its success as `success`.

    Returns True when the action was done. For buttons without a form to re-render: a form that
    must keep what was typed re-renders with the error instead.
    """
    try:
        call()
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, success)
    return True
