"""Parsing what a visitor typed: integers, dates and return addresses, never a 500.

`str.isdigit()` is True for '²' and '٣', which `int()` then refuses or reads as another number;
dates Django parses can lie outside anything the database or `timedelta` arithmetic accepts; a
`next` that is a bare word makes `redirect()` look it up as a URL name. Every view goes through
these helpers (or a form using the fields below) instead.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import resolve_url
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# The largest value of a PostgreSQL bigint (Django's BigAutoField): a larger id is no row at all.
PK_MAX = 2**63 - 1
# Far enough back for any appeal on record, far enough ahead for any deadline or survey.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def is_ascii_digits(value: str) -> bool:
    """True for '0'–'9' only: not '²', not '٣', not an empty string."""
    return value.isascii() and value.isdigit()


def parse_int(
    raw: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    default: int | None = None,
) -> int | None:
    """The whole number written in ASCII digits in `raw`, or `default` if it is not one or out of bounds."""
    if raw is None:
        return default
    text = str(raw).strip()
    if not is_ascii_digits(text) or len(text) > 30:
        return default
    value = int(text)
    if minimum is not None and value < minimum:
        return default
    if maximum is not None and value > maximum:
        return default
    return value


def parse_pk(raw: object) -> int | None:
    """A database id (1 … bigint max), or None."""
    return parse_int(raw, minimum=1, maximum=PK_MAX)


def parse_pks(values: Iterable[object]) -> list[int]:
    """The database ids among `values`, in order, without duplicates; the rest is ignored."""
    ids = (parse_pk(value) for value in values)
    return list(dict.fromkeys(pk for pk in ids if pk is not None))


def safe_next(request, raw: str | None, default: str, *args, **kwargs) -> str:
    """Where to go back to: `raw` if it is a path on this site, else `default` (a URL or URL name).

    Only paths count: a bare word such as `next=back` is neither a URL nor a URL name we want
    `redirect()` to guess at, and another host is an open redirect.
    """
    target = (raw or "").strip()
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return resolve_url(default, *args, **kwargs)


class _Bounded:
    """Refuses a date (or the date of a date-time) outside `earliest` … `latest` with a translated
    error; PostgreSQL and Python take years 1 and 9999, no person means them."""

    default_error_messages = {
        "out_of_range": _("Enter a date between %(first)s and %(last)s."),
    }

    def __init__(self, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        day = value.date() if isinstance(value, datetime) else value
        if day is not None and not (self.earliest <= day <= self.latest):
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "first": date_format(self.earliest, "SHORT_DATE_FORMAT"),
                    "last": date_format(self.latest, "SHORT_DATE_FORMAT"),
                },
            )
        return value


class BoundedDateField(_Bounded, forms.DateField):
    """A date field that refuses dates outside EARLIEST_DATE … LATEST_DATE with a translated error."""


class BoundedDateTimeField(_Bounded, forms.DateTimeField):
    """A date-and-time field with the same bounds as BoundedDateField."""


LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(BoundedDateTimeField):
    """A date and time typed in the browser's `datetime-local` input (or by hand), read in the
    current time zone (a view may activate the region's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME_FORMAT)

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=[LOCAL_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"], **kwargs
        )
