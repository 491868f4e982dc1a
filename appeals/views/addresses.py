"""htmx: registry addresses matching what the citizen types in the filing form's address field."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from appeals.limits import ADDRESS_QUERY_MAX
from core.input import parse_pk
from places.selectors import suggest_houses


@login_required
@require_GET
def address_suggestions(request):
    """A list of matching houses (buttons that fill the field), or nothing for too little text."""
    text = request.GET.get("address", "")
    raw_municipality = request.GET.get("municipality", "")
    municipality_id = parse_pk(raw_municipality)
    if len(text) > ADDRESS_QUERY_MAX or (raw_municipality and municipality_id is None):
        return render(
            request, "appeals/includes/address_suggestions.html", {"houses": []}, status=400
        )
    houses = suggest_houses(text=text, municipality_id=municipality_id)
    return render(
        request,
        "appeals/includes/address_suggestions.html",
        {"houses": houses, "query": text.strip()},
    )
