"""What every endpoint of the citizen API shares: the bearer token of the citizen (OAuth 2.0,
django-oauth-toolkit), JSON in and out, errors as JSON in the language of Accept-Language
(Russian by default), and never an HTML page or a 5xx for a bad request.

A token acts for its user as a citizen only: every endpoint reads and writes through the citizen
selectors and services (the user's own appeals), so a staff member's token never reaches an
appeal of their organization; staff roles and permissions play no part here.
"""

import json
from functools import wraps

from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

SCOPE = "appeals"
MAX_JSON_BODY = 64 * 1024


class ApiError(Exception):
    """A refusal that becomes the JSON error answer: `status`, `message`, optional `fields`."""

    def __init__(self, status: int, message, *, code: str = "", fields: dict | None = None):
        self.status, self.message, self.code, self.fields = status, message, code, fields or {}
        super().__init__(str(message))


def ok(data, *, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(status: int, message, *, code: str = "", fields: dict | None = None) -> JsonResponse:
    body = {"error": {"status": status, "code": code or _CODES.get(status, "error")}}
    body["error"]["message"] = str(message)
    if fields:
        body["error"]["fields"] = {name: [str(m) for m in items] for name, items in fields.items()}
    return ok(body, status=status)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_requests",
}


def form_error(form) -> ApiError:
    """A form that did not validate: its non-field errors as the message, the rest by field."""
    fields = {name: list(errors) for name, errors in form.errors.items() if name != "__all__"}
    general = form.non_field_errors()
    message = " ".join(general) if general else _("Check the fields of the request.")
    return ApiError(400, message, code="invalid", fields=fields)


def json_body(request) -> dict:
    """The request's JSON object; anything else is a 400."""
    if request.content_type != "application/json":
        raise ApiError(400, _("Send the request body as JSON (Content-Type: application/json)."))
    if len(request.body) > MAX_JSON_BODY:
        raise ApiError(400, _("The request body is too large."))
    try:
        data = json.loads(request.body or b"null")
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    return data


def _language(request) -> str:
    # Accept-Language (the app's language) is respected here, unlike on the site's pages.
    return translation.get_language_from_request(request)


def _unauthorized(message, *, reason: str) -> JsonResponse:
    response = error(401, message)
    response["WWW-Authenticate"] = f'Bearer realm="citizen-api", scope="{SCOPE}", error="{reason}"'
    return response


def _authenticate(request):
    """The citizen of a valid bearer token with the scope, or the 401 answer."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return _unauthorized(
            _("Sign in: send an access token (Authorization: Bearer …)."), reason="invalid_request"
        )
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[SCOPE])
    if valid and oauth_request.user is not None and oauth_request.user.is_active:
        return oauth_request.user
    problem = getattr(oauth_request, "oauth2_error", None) or {}
    if problem.get("error") == "insufficient_scope":
        return _unauthorized(
            _("The access token does not allow this: sign in again with the scope «appeals»."),
            reason="insufficient_scope",
        )
    return _unauthorized(
        _("The access token is invalid or expired: sign in again."), reason="invalid_token"
    )


def _malformed_input(request, *args, **kwargs):
    """What core.middleware.MalformedInputMiddleware answers on these URLs: JSON, not a page."""
    with translation.override(_language(request)):
        return error(
            400,
            _(
                "Arguments must be UTF-8 text without NUL or other control characters, "
                "and no longer than a few thousand characters."
            ),
        )


def endpoint(*methods: str):
    """A citizen API view: the methods it answers (405 otherwise), a valid token with the
    `appeals` scope (401 otherwise, `request.user` is the token's citizen), ApiError and Http404
    as JSON errors; `Vary: Accept-Language, Authorization`."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            language = _language(request)
            with translation.override(language):
                response = _answer(view, request, allowed, args, kwargs)
            response["Content-Language"] = language
            patch_vary_headers(response, ("Accept-Language", "Authorization"))
            response["Cache-Control"] = "no-store"
            return response

        wrapped.malformed_input_response = _malformed_input
        return wrapped

    return decorator


def _answer(view, request, allowed, args, kwargs):
    if request.method not in allowed:
        response = error(
            405,
            _("Method %(method)s is not allowed here: use %(allowed)s.")
            % {"method": request.method, "allowed": ", ".join(sorted(allowed))},
        )
        response["Allow"] = ", ".join(sorted(allowed))
        return response
    user = _authenticate(request)
    if isinstance(user, JsonResponse):
        return user
    request.user = user
    try:
        return view(request, *args, **kwargs)
    except Http404:
        return error(404, _("Not found."))
    except ApiError as problem:
        return error(problem.status, problem.message, code=problem.code, fields=problem.fields)
