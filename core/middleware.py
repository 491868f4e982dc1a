"""Malformed input stops at the door with a 400, before any view or the database sees it."""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseBadRequest
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return, and DEL: PostgreSQL refuses NUL in text
# outright, and no person types the others into an address or a field name.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# In a form's text a vertical tab or form feed can come pasted from a word processor: keep those,
# so nothing the person wrote is refused for them.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# No field of the platform takes more than this in a query string or a field name; form bodies
# have their own limits (DATA_UPLOAD_MAX_MEMORY_SIZE and the forms' max_length).
MAX_QUERY_VALUE = 4096
MAX_KEY = 256
MAX_BODY_VALUE = 1_000_000


def malformed_reason(request) -> str | None:
    """Why the request's parameters cannot be taken as typed by a person, or None if they can."""
    if len(request.path_info) > MAX_QUERY_VALUE or CONTROL.search(request.path_info):
        return "path"
    if _invalid_utf8(request.META.get("QUERY_STRING", "")):
        return "query string is not UTF-8"
    if _problem(request.GET.lists(), MAX_QUERY_VALUE, CONTROL):
        return "query parameter"
    if _session_cookie_malformed(request):
        return "session cookie"
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded" and _invalid_utf8(
            request.body.decode("latin-1")
        ):
            return "form body is not UTF-8"
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _problem(request.POST.lists(), MAX_BODY_VALUE, CONTROL_IN_TEXT):
                return "form field"
            if _problem(
                ((name, [f.name or "" for f in files]) for name, files in request.FILES.lists()),
                MAX_KEY,
                CONTROL,
            ):
                return "file name"
    return None


def _session_cookie_malformed(request) -> bool:
    # The session key is looked up in the database; other cookies never reach it.
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    return len(key) > MAX_KEY or bool(CONTROL.search(key))


def _invalid_utf8(encoded: str) -> bool:
    try:
        unquote_to_bytes(encoded.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _problem(pairs, max_value: int, control: re.Pattern) -> bool:
    for key, values in pairs:
        if len(key) > MAX_KEY or CONTROL.search(key):
            return True
        for value in values if isinstance(values, list) else [values]:
            if len(value) > max_value or control.search(value):
                return True
    return False


class MalformedInputMiddleware:
    """Answer 400 with a translated page to NUL and control characters, invalid UTF-8 and huge values.

    Placed after the locale middleware (the page is in the visitor's language) and before the
    authentication middleware, so that a session cookie with a NUL byte never reaches the
    database either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The 400 page (ours, or Django's for a body it refuses while we read it) shows the menu,
        # which needs the user: lazily, as AuthenticationMiddleware does, and anonymous when the
        # session cookie itself is malformed.
        if not hasattr(request, "user"):
            request.user = (
                AnonymousUser()
                if _session_cookie_malformed(request)
                else SimpleLazyObject(lambda: get_user(request))
            )
        if malformed_reason(request) is None:
            return self.get_response(request)
        # A view may answer in its own error format (Open311 does): it says so with an attribute.
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        answer = getattr(match and match.func, "malformed_input_response", None)
        if answer is not None:
            return answer(request, *match.args, **match.kwargs)
        return bad_request_page(request)


def bad_request_page(request, message: str | None = None):
    body = loader.render_to_string(
        "400.html",
        {
            "message": message
            or _(
                "The address or the form contains characters or values that cannot be accepted "
                "(for example, control characters or a text that is far too long)."
            )
        },
        request=request,
    )
    return HttpResponseBadRequest(body)
