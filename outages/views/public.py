"""The public side: the list of current outages by municipality, the map feed, and the notices
the filing form shows for the address being typed."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.fields import InMemoryModelChoiceField
from core.input import parse_pk
from core.replica import reads_from_replica
from core.widgets import FastSelect
from organizations.models import Municipality
from organizations.selectors import region_municipalities, request_region
from outages import selectors
from places.selectors import match_house

PAGE_SIZE = 50
MAX_ADDRESS = 300
# The feed changes when an outage is published; a minute in shared caches is soon enough.
GEOJSON_MAX_AGE = 60


class OutageFilterForm(forms.Form):
    municipality = InMemoryModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Municipality"),
        empty_label=_("— all municipalities —"),
        widget=FastSelect,
    )

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].set_objects(region_municipalities(region=region))


@require_GET
def outage_list(request):
    region = request_region(request)
    form = OutageFilterForm(request.GET or None, region=region)
    municipality = None
    if form.is_bound and form.is_valid():
        municipality = form.cleaned_data["municipality"]
    outages = []
    if region is not None:
        outages = selectors.public_outages(
            region_id=region.pk, municipality_id=getattr(municipality, "pk", None)
        )
    page = Paginator(outages, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outages/list.html",
        {"form": form, "page": page, "municipality": municipality, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def at_address(request):
    """The outages covering the address typed in the filing form: the fragment htmx puts on the
    form when the address is chosen, or a page of its own (the same list) without htmx."""
    text = request.GET.get("address", "")
    raw_municipality = request.GET.get("municipality", "")
    municipality_id = parse_pk(raw_municipality)
    status = 200
    outages = []
    if len(text) > MAX_ADDRESS or (raw_municipality and municipality_id is None):
        status = 400
    elif municipality_id is not None:
        house = match_house(text=text, municipality_id=municipality_id) if text.strip() else None
        outages = selectors.outages_for_address(house=house, municipality_id=municipality_id)
    template = (
        "outages/includes/for_address.html#notices" if request.htmx else "outages/at_address.html"
    )
    response = render(request, template, {"outages": outages}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@reads_from_replica
def geojson(request):
    """`/outages.geojson`: the current and upcoming outages of the region as points (the houses
    they cover, or the municipality's centre). Open to other sites and to shared caches."""
    region = request_region(request)
    features = selectors.map_features(region_id=region.pk) if region is not None else []
    base = request.build_absolute_uri("/")[:-1]
    for feature in features:
        feature["properties"] = {
            **feature["properties"],
            "url": base + feature["properties"]["url"],
        }
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={GEOJSON_MAX_AGE}"
    return response
