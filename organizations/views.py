"""Public pages of the organizations: who they are and the officials a citizen may address."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.selectors import public_organization


@require_GET
def organization_page(request, slug: str):
    """An active participant's public page: its contacts and the officials it lists."""
    organization = public_organization(slug=slug)
    if organization is None:
        raise Http404
    return render(request, "organizations/detail.html", {"organization": organization})
