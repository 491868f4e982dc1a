"""The public side: the list of published answers with search, one answer, and the suggestions
the filing form shows for the text being typed."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from answers import selectors
from answers.forms import SearchForm
from organizations.selectors import public_organization, request_region

PAGE_SIZE = 20
MAX_TEXT = 5000


@require_GET
def answer_list(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    organization = None
    slug = request.GET.get("organization", "")
    if slug:
        organization = public_organization(slug=slug[:100])
    region = request_region(request)
    rows = selectors.public_answers(
        region_id=getattr(region, "pk", None),
        text=text,
        organization_id=getattr(organization, "pk", None),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "answers/list.html",
        {
            "form": form,
            "page": page,
            "organization": organization,
            "text": text,
            "query": query.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


@require_GET
def answer_detail(request, published_id: int):
    published = selectors.get_public_answer(answer_id=published_id)
    return render(request, "answers/detail.html", {"published": published})


@require_GET
def matching(request):
    """htmx: up to three published answers matching the text typed on the filing form. Without
    htmx: the public list searched for that text."""
    text = request.GET.get("text", "")[:MAX_TEXT]
    if not request.htmx:
        return redirect(f"{reverse('answers:list')}?{urlencode({'q': text[:200]})}")
    region = request_region(request)
    rows = selectors.matching_answers(text=text, region_id=getattr(region, "pk", None))
    response = render(request, "answers/includes/suggestions.html#suggestions", {"suggested": rows})
    patch_vary_headers(response, ["HX-Request"])
    return response
