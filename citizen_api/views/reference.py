"""What the app needs before filing: categories with their review terms, municipalities, address
suggestions from the registry, and the OpenAPI description of the whole API."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appeals.identification import account_assurance
from appeals.limits import ADDRESS_QUERY_MAX
from appeals.models import Appeal
from appeals.templatetags.appeal_tags import term_text
from citizen_api.schema import openapi_schema
from citizen_api.views.common import ApiError, endpoint, ok
from core.input import parse_pk
from organizations.models import Category
from organizations.selectors import leaf_category_list, region_municipalities, request_region
from places.selectors import suggest_houses
from regimes.selectors import expected_regime


def _category(category: Category) -> dict:
    return {
        "id": category.pk,
        "slug": category.slug,
        "name": category.name,
        "section": {"id": category.parent_id, "name": category.parent.name},
        "term_days": category.term_days,
        "day_count": category.day_count,
        "term": term_text(days=category.term_days, day_count=category.day_count),
    }


@endpoint("GET")
def categories(request):
    return ok({"results": [_category(category) for category in leaf_category_list()]})


@endpoint("GET")
def category_term(request, category_id: int):
    """The rules the appeal would be reviewed under (the regime and its term), as the filing
    form's term hint shows them: for the body of the chosen municipality, once it is known."""
    category = next((c for c in leaf_category_list() if c.pk == category_id), None)
    if category is None:
        raise ApiError(404, _("Unknown category."))
    raw = request.GET.get("municipality", "")
    municipality_id = parse_pk(raw)
    if raw and municipality_id is None:
        raise ApiError(400, _("municipality must be the id of a municipality."))
    resolution = expected_regime(
        category=category,
        municipality_id=municipality_id,
        channel=Appeal.Channel.WEB,
        assurance=account_assurance(request.user),
    )
    version = resolution.version
    data = {"category": _category(category), "regime": None}
    if version is not None:
        data["regime"] = {
            "kind": version.regime.kind,
            "name": version.regime.name,
            "answer_days": version.answer_days,
            "day_count": version.day_count,
            "term": term_text(days=version.answer_days, day_count=version.day_count),
        }
    return ok(data)


@endpoint("GET")
def municipalities(request):
    return ok(
        {
            "results": [
                {"id": municipality.pk, "name": municipality.name}
                for municipality in region_municipalities(region=request_region(request))
            ]
        }
    )


@endpoint("GET")
def addresses(request):
    """Registry houses matching the typed text (the filing form's suggestions)."""
    text = request.GET.get("q", "")
    raw = request.GET.get("municipality", "")
    municipality_id = parse_pk(raw)
    if len(text) > ADDRESS_QUERY_MAX:
        raise ApiError(400, _("q is at most %(max)s characters.") % {"max": ADDRESS_QUERY_MAX})
    if raw and municipality_id is None:
        raise ApiError(400, _("municipality must be the id of a municipality."))
    return ok(
        {
            "results": [
                {
                    "id": house.pk,
                    "label": house.label,
                    "latitude": None if house.latitude is None else float(house.latitude),
                    "longitude": None if house.longitude is None else float(house.longitude),
                }
                for house in suggest_houses(text=text, municipality_id=municipality_id)
            ]
        }
    )


@require_GET
def schema(request):
    """The OpenAPI description (public, like the Open311 one: it holds no data)."""
    return JsonResponse(openapi_schema(), json_dumps_params={"ensure_ascii": False})
