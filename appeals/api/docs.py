"""The OpenAPI description as JSON and its rendering with the vendored Swagger UI (no CDN)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_cookie

from appeals.api.schema import openapi_schema


@require_GET
@cache_control(public=True, max_age=300)
@vary_on_cookie  # the descriptions follow the language cookie (and Accept-Language)
def schema(request):
    # DjangoJSONEncoder renders the lazy descriptions in the request's language.
    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})


def _swagger_labels() -> dict[str, str]:
    """Swagger UI has no translations of its own: static/js/api-docs.js puts these in place of
    the English labels it renders."""
    return {
        "Parameters": _("Parameters"),
        "No parameters": _("No parameters"),
        "Name": pgettext("API parameter", "Name"),
        "Description": _("Description"),
        "Responses": _("Responses"),
        "Code": _("Code"),
        "Links": _("Links"),
        "No links": _("No links"),
        "Media type": _("Media type"),
        "Example Value": _("Example value"),
        "Schema": _("Schema"),
        "Schemas": _("Schemas"),
        "Request body": _("Request body"),
        "Servers": _("Servers"),
        "required": _("required"),
    }


@require_GET
def docs(request):
    return render(request, "appeals/api/docs.html", {"swagger_labels": _swagger_labels()})
