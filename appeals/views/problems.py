"""Public problems: the list and map (/problems/), one problem, its photos, and the GeoJSON feed.

Open to everybody, signed in or not; nothing here shows a name, a contact or an unchecked text
(appeals/selectors/public.py decides what leaves).
"""

from decimal import Decimal, InvalidOperation

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appeals.attachments import attachment_response, ensure_thumbnail, thumbnail_response
from appeals.problem_forms import ProblemFilterForm
from appeals.selectors import public as selectors
from core.input import parse_int
from core.replica import reads_from_replica
from organizations.selectors import request_region

PAGE_SIZE = 20
MAX_ZOOM = 22
# The GeoJSON feed changes slowly; a minute in shared caches takes the load off busy maps.
GEOJSON_MAX_AGE = 60


def _filter_form(request) -> ProblemFilterForm:
    region = request_region(request)
    form = ProblemFilterForm(request.GET or None, region=region)
    if form.is_bound:
        form.is_valid()
    return form


def _filter_query(request) -> str:
    """The filter part of the query string (no page, no bbox), for links and the map's feed."""
    query = request.GET.copy()
    for name in ("page", "bbox", "zoom"):
        query.pop(name, None)
    return query.urlencode()


@require_GET
@reads_from_replica
def problem_list(request):
    form = _filter_form(request)
    problems = selectors.public_problem_list(filters=form.filters())
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _filter_query(request)
    return render(
        request,
        "appeals/problems/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "geojson_url": reverse("problems_geojson") + (f"?{query}" if query else ""),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def problem_detail(request, number: str):
    problem = selectors.get_public_problem(number=number, user=request.user)
    return render(request, "appeals/problems/detail.html", {"problem": problem})


def _public_name(attachment) -> None:
    # The original file name may name a person; the public copy is named after the problem.
    extension = ".png" if attachment.content_type == "image/png" else ".jpg"
    attachment.original_name = f"{attachment.appeal.number}-{attachment.pk}{extension}"


@require_GET
def photo(request, number: str, attachment_id: int):
    attachment = selectors.get_public_photo(number=number, attachment_id=attachment_id)
    _public_name(attachment)
    response = attachment_response(attachment, inline=True)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def photo_thumbnail(request, number: str, attachment_id: int):
    attachment = selectors.get_public_photo(number=number, attachment_id=attachment_id)
    if not ensure_thumbnail(attachment):
        raise Http404
    response = thumbnail_response(attachment)
    response["Cache-Control"] = "public, max-age=300"
    return response


class BadRequest(Exception):
    pass


def _coordinate(raw: str, limit: int) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise BadRequest from None
    if not value.is_finite() or abs(value) > limit:
        raise BadRequest
    return value


def _bbox(raw: str | None) -> selectors.BBox:
    parts = (raw or "").split(",")
    if len(parts) != 4 or len(raw) > 200:
        raise BadRequest
    min_lon, min_lat, max_lon, max_lat = (
        _coordinate(part, 180 if index % 2 == 0 else 90) for index, part in enumerate(parts)
    )
    if min_lon >= max_lon or min_lat >= max_lat:
        raise BadRequest
    return selectors.BBox(min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)


def _json_error(message: str, status: int = 400) -> JsonResponse:
    response = JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@reads_from_replica
def geojson(request):
    """`/problems.geojson?bbox=minlon,minlat,maxlon,maxlat[&zoom=N]` and the filters of the list.

    A FeatureCollection of points (number, category, status, link) or, when the box holds more
    than MAX_POINTS problems, of grid clusters (`cluster: true`, `count`). Open to other sites
    (CORS) and to shared caches.
    """
    try:
        box = _bbox(request.GET.get("bbox"))
    except BadRequest:
        return _json_error(
            _(
                "bbox must be four numbers min_longitude,min_latitude,max_longitude,max_latitude "
                "(WGS84, longitude −180…180, latitude −90…90, each minimum below its maximum)."
            )
        )
    zoom = None
    if request.GET.get("zoom"):
        zoom = parse_int(request.GET["zoom"], minimum=0, maximum=MAX_ZOOM)
        if zoom is None:
            return _json_error(
                _("zoom must be a whole number from 0 to %(max)s.") % {"max": MAX_ZOOM}
            )
    form = _filter_form(request)
    if form.errors:
        return _json_error(
            " ".join(
                f"{form.fields[name].label}: {' '.join(errors)}"
                if name in form.fields
                else " ".join(errors)
                for name, errors in form.errors.items()
            )
        )
    kind, rows = selectors.map_features(box=box, zoom=zoom, filters=form.filters())
    detail = reverse("problems:detail", kwargs={"number": "0"})[: -len("0/")]
    base = request.build_absolute_uri(detail)
    features = []
    if kind == "points":
        for row in rows:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(row["longitude"]), float(row["latitude"])],
                    },
                    "properties": {
                        "number": row["number"],
                        "url": f"{base}{row['number']}/",
                        "category": row["category__name"],
                        "status": row["status"],
                        "status_label": str(selectors.status_label(row["status"])),
                        "submitted": row["submitted_at"].date().isoformat(),
                    },
                }
            )
    else:
        for row in rows:
            properties = {"cluster": True, "count": row["count"]}
            if row["count"] == 1:
                properties.update(number=row["number"], url=f"{base}{row['number']}/")
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(row["lon"], 5), round(row["lat"], 5)],
                    },
                    "properties": properties,
                }
            )
    response = JsonResponse(
        {"type": "FeatureCollection", "clustered": kind == "clusters", "features": features},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={GEOJSON_MAX_AGE}"
    return response
