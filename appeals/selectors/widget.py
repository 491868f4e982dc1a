"""Reads of the embeddable widget: the organization and what its compact form offers."""

from django.db.models import QuerySet
from django.http import Http404

from organizations.models import Category, Municipality, Organization, RoutingRule
from organizations.selectors import leaf_categories


def get_widget_organization(*, slug: str) -> Organization:
    organization = (
        Organization.objects.filter(slug=slug, is_active=True).select_related("region").first()
    )
    if organization is None:
        raise Http404
    return organization


def widget_categories(*, organization: Organization) -> QuerySet[Category]:
    """The categories routed to the organization (by any of its routing rules)."""
    return leaf_categories().filter(
        pk__in=RoutingRule.objects.filter(organization=organization).values("category_id")
    )


def widget_municipalities(*, organization: Organization) -> QuerySet[Municipality]:
    """Where the organization works: the municipalities it serves or is routed from; the whole
    region when it serves the whole region (no municipalities listed, or a region-wide rule)."""
    rules = RoutingRule.objects.filter(organization=organization)
    served = set(organization.municipalities.values_list("pk", flat=True))
    served |= {pk for pk in rules.values_list("municipality_id", flat=True) if pk is not None}
    municipalities = Municipality.objects.filter(region_id=organization.region_id).order_by("name")
    if not served or rules.filter(municipality__isnull=True).exists():
        return municipalities
    return municipalities.filter(pk__in=served)
