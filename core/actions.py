"""Views that call one service and show its refusal: the one place a DomainError meets the page.

- `report_outcome`: a plain button (no form to re-render); the outcome becomes a message.
- `run_form`: a form → service → redirect, or the same page again with the refusal attached to the
  form and everything the person typed kept.
- `attempt`: the same call and attachment for views that shape their own response (several forms
  on one page, a loop over rows, an API answer).

A refusal lands on the field it names — `error.field`, or the view's `fields={ErrorClass: name}`
or `field=name` — when the form has that field, otherwise it is a non-field error; it is shown
once, in the form, and not repeated as a message.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from core.errors import DomainError


def report_outcome(request, call: Callable[[], object], *, success: str) -> bool:
    """Run `call` (a service call); its refusal is shown as an error, its success as `success`.

    Returns True when the action was done. For buttons without a form to re-render: a form that
    must keep what was typed goes through `run_form` instead.
    """
    outcome = attempt(call)
    if not outcome.ok:
        messages.error(request, outcome.message)
        return False
    messages.success(request, success)
    return True


@dataclass(frozen=True)
class Outcome:
    """What a service call came to: its result, or the refusal (never both)."""

    value: Any = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return "" if self.error is None else str(self.error.message)


def refusal_field(
    form, error: DomainError, *, field: str | None = None, fields: Mapping | None = None
) -> str | None:
    """The form field a refusal belongs to, or None for a non-field error."""
    name = getattr(error, "field", None)
    for error_class, class_field in (fields or {}).items():
        if name is None and isinstance(error, error_class):
            name = class_field
    name = name or field
    return name if name is not None and name in form.fields else None


def attempt(
    call: Callable[[], object],
    *,
    form=None,
    field: str | None = None,
    fields: Mapping | None = None,
) -> Outcome:
    """Call one service; a DomainError becomes the outcome (and an error of `form`, when given)."""
    try:
        value = call()
    except DomainError as error:
        if form is not None:
            form.add_error(
                refusal_field(form, error, field=field, fields=fields), str(error.message)
            )
        return Outcome(error=error)
    return Outcome(value=value)


def done(request, message: str, to, *args, level: int = messages.SUCCESS, **kwargs):
    """The usual success: a message on the next page and a redirect (`to` as for `redirect`)."""
    messages.add_message(request, level, message)
    return redirect(to, *args, **kwargs)


def run_form(
    request,
    form,
    *,
    action: Callable[[dict], object],
    success: Callable[[object], HttpResponse],
    template: str | None = None,
    context: dict | Callable[[Any], dict] | None = None,
    form_name: str = "form",
    fragment: str | None = None,
    failure: Callable[[Any], HttpResponse] | None = None,
    field: str | None = None,
    fields: Mapping | None = None,
    status: int = 400,
) -> HttpResponse:
    """Validate `form`, call `action(form.cleaned_data)` and answer `success(result)`.

    When the form is invalid or the service refuses, the page comes back with the form bound to
    what was sent: `failure(form)` when the view builds that page itself, else `template` (the
    `fragment` partial, such as "app/page.html#form", for an htmx request) rendered with
    `context` — a dict the form joins as `form_name`, or a function of the form giving the
    whole context — and `status`.
    """
    if form.is_valid():
        outcome = attempt(lambda: action(form.cleaned_data), form=form, field=field, fields=fields)
        if outcome.ok:
            return success(outcome.value)
    if failure is not None:
        return failure(form)
    page_context = context(form) if callable(context) else {**(context or {}), form_name: form}
    htmx = bool(getattr(request, "htmx", False)) and fragment is not None
    response = render(request, fragment if htmx else template, page_context, status=status)
    if fragment is not None:
        patch_vary_headers(response, ["HX-Request"])
    return response
