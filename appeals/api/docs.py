"""The OpenAPI description as JSON and its rendering with the vendored Swagger UI (no CDN)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from appeals.api.schema import openapi_schema


@require_GET
@cache_control(public=True, max_age=300)
def schema(request):
    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})


@require_GET
def docs(request):
    return render(request, "appeals/api/docs.html")
