"""Reads of the organizations app: routing and the staff scope of a user."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.input import is_ascii_digits
from core.memo import VersionedMemo
from core.regions import request_region_code
from organizations.errors import RoutingError
from organizations.models import (
    Category,
    Membership,
    Municipality,
    Official,
    Organization,
    Region,
    RoutingRule,
)
from organizations.permissions import membership_rows


@dataclass(frozen=True)
class Route:
    """Where an appeal goes and why: the moderator sees `reason` beside the proposed organization."""

    class Source:
        REGISTRY = "registry"
        RULE = "rule"
        FALLBACK = "fallback"
        PROPOSED = "proposed"

    organization: Organization
    source: str
    reason: str


def _rule_route(rule: RoutingRule) -> Route:
    if rule.municipality_id is None:
        return Route(
            organization=rule.organization,
            source=Route.Source.FALLBACK,
            reason=str(_("by the region-wide routing rule for the category")),
        )
    return Route(
        organization=rule.organization,
        source=Route.Source.RULE,
        reason=str(_("by the routing rule: category × municipality")),
    )


# The region, its municipalities and the category tree: in each process's memory, dropped when an
# administrator changes them (organizations/signals.py bumps the version).
REFERENCE_DATA = VersionedMemo("organizations-reference")


def get_platform_region(*, code: str) -> Region | None:
    return REFERENCE_DATA.get(("region", code), lambda: Region.objects.filter(code=code).first())


def request_region(request) -> Region | None:
    """The region whose public pages `request` asks for: its host's under REGION_HOSTS, else the
    deployment's (settings.PLATFORM_REGION_CODE); see core/regions.py."""
    return get_platform_region(code=request_region_code(request))


def request_region_id(request) -> int | None:
    """The id of `request_region(request)` (None when the region is not in the database)."""
    region = request_region(request)
    return region.pk if region is not None else None


def region_code_of(*, region_id: int | None) -> str | None:
    """The code of a region by its id, from the reference data kept in memory."""
    if region_id is None:
        return None
    codes = REFERENCE_DATA.get(
        "region-codes", lambda: dict(Region.objects.values_list("pk", "code"))
    )
    return codes.get(region_id)


def region_municipalities(*, region: Region | None) -> list[Municipality]:
    """The municipalities of `region` by name, each with its region attached (no query for it)."""
    if region is None:
        return []

    def load():
        rows = list(Municipality.objects.filter(region=region).order_by("name"))
        for row in rows:
            row.region = region
        return rows

    return REFERENCE_DATA.get(("municipalities", region.pk), load)


def leaf_category_list() -> list[Category]:
    """`leaf_categories()` as a list kept in memory (the filing form reads it on every view)."""
    return REFERENCE_DATA.get("leaf-categories", lambda: list(leaf_categories()))


def section_list() -> list[Category]:
    """The active sections, in the order of the forms (no children attached)."""
    return REFERENCE_DATA.get(
        "sections",
        lambda: list(
            Category.objects.filter(parent__isnull=True, is_active=True).order_by(
                "position", "name"
            )
        ),
    )


def sections_with_category_list() -> list[Category]:
    """`sections_with_categories()` as a list kept in memory (the home page's tree)."""
    return REFERENCE_DATA.get("section-tree", lambda: list(sections_with_categories()))


def route_appeal(*, category: Category, municipality: Municipality) -> Organization:
    """The organization responsible for `category` in `municipality`.

    A rule for the municipality wins over the region-wide fallback; inactive organizations are
    skipped. Raises RoutingError when neither exists, so the moderator routes by hand. (With an
    appeal's house, places.selectors.route_appeal asks the address registry first.)
    """
    return route_by_rules(category=category, municipality=municipality).organization


def route_by_rules(*, category: Category, municipality: Municipality) -> Route:
    """`route_appeal` with its reason (a municipality rule or the region-wide fallback)."""
    rule = (
        RoutingRule.objects.filter(
            Q(municipality=municipality)
            | Q(municipality__isnull=True, region_id=municipality.region_id),
            category=category,
            organization__is_active=True,
        )
        .select_related("organization")
        .order_by(
            "municipality_id"
        )  # NULLS LAST in PostgreSQL ascending order: specific rule first
        .first()
    )
    if rule is None:
        raise RoutingError(category=category, municipality=municipality)
    return _rule_route(rule)


def memberships_of(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization", "region")


def organization_scope(*, user) -> tuple[set[int], set[int]]:
    """(ids of the organizations the user works for, ids of those the user heads).

    Heads' sets include every organization subordinate to theirs, at any depth. One query for
    the memberships, one per level of subordination below a headed organization.
    """
    if not user.is_authenticated:
        return set(), set()
    rows = [
        (organization, role)
        for role, organization, _region in membership_rows(user)
        if role in Membership.ORGANIZATION_ROLES
    ]
    headed = {organization for organization, role in rows if role == Membership.Role.HEAD}
    frontier = set(headed)
    while frontier:
        children = (
            set(Organization.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - headed
        )
        headed |= children
        frontier = children
    return {organization for organization, _role in rows} | headed, headed


def staff_organizations(*, user, roles=Membership.ORGANIZATION_ROLES) -> QuerySet[Organization]:
    """Organizations whose appeals the user may work on in the given roles.

    Executors see their organizations; heads also see every organization subordinate to theirs,
    at any depth. `roles=[Membership.Role.HEAD]` gives the scope a user heads.
    """
    works, headed = organization_scope(user=user)
    ids = works if Membership.Role.EXECUTOR in roles else headed
    return Organization.objects.filter(id__in=ids).select_related("region").order_by("name")


def staff_regions(*, user, role: str) -> QuerySet[Region]:
    """Regions where the user holds a regional role (moderator or analyst)."""
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(memberships__user=user, memberships__role=role).distinct()


def leaf_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(parent__isnull=False, is_active=True, parent__is_active=True)
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name")
    )


def sections_with_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(parent__isnull=True, is_active=True)
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Category.objects.filter(is_active=True),
                to_attr="active_children",
            )
        )
        .order_by("position", "name")
    )


def platform_overview(*, region_code: str) -> dict:
    """Headline figures and the category tree for the public home page of a region."""
    region = get_platform_region(code=region_code)
    if region is None:
        return {"region": None, "participants": 0, "municipalities": 0, "sections": []}
    return {
        "region": region,
        "participants": Organization.objects.filter(region=region, is_active=True).count(),
        "municipalities": region.municipalities.count(),
        "sections": sections_with_category_list(),
    }


def regional_moderators(*, region: Region):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__region=region, memberships__role=Membership.Role.MODERATOR, is_active=True
        )
        .distinct()
    )


def heads_by_organization(*, organization_ids) -> dict[int, list]:
    """Active heads of each organization (its own heads: the ones answerable for its terms)."""
    result: dict[int, list] = {}
    memberships = Membership.objects.filter(
        organization_id__in=set(organization_ids), role=Membership.Role.HEAD, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        result.setdefault(membership.organization_id, []).append(membership.user)
    return result


def moderators_by_region(*, region_ids) -> dict[int, list]:
    """Active regional moderators of each region."""
    result: dict[int, list] = {}
    memberships = Membership.objects.filter(
        region_id__in=set(region_ids), role=Membership.Role.MODERATOR, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        result.setdefault(membership.region_id, []).append(membership.user)
    return result


def routed_organizations(
    *, pairs: set[tuple[int, int]], region_id: int
) -> dict[tuple[int, int], Organization]:
    """route_appeal for many (category, municipality) pairs in one query (a page of the moderation queue)."""
    return {
        pair: route.organization
        for pair, route in rule_routes(pairs=pairs, region_id=region_id).items()
    }


def rule_routes(*, pairs: set[tuple[int, int]], region_id: int) -> dict[tuple[int, int], Route]:
    """route_by_rules for many (category, municipality) pairs in one query."""
    if not pairs:
        return {}
    categories = {category for category, _municipality in pairs}
    rules = (
        RoutingRule.objects.filter(
            category_id__in=categories, region_id=region_id, organization__is_active=True
        )
        .filter(Q(municipality_id__in={m for _c, m in pairs}) | Q(municipality__isnull=True))
        .select_related("organization")
    )
    specific, fallback = {}, {}
    for rule in rules:
        if rule.municipality_id is None:
            fallback[rule.category_id] = _rule_route(rule)
        else:
            specific[(rule.category_id, rule.municipality_id)] = _rule_route(rule)
    return {
        pair: specific.get(pair) or fallback.get(pair[0])
        for pair in pairs
        if specific.get(pair) or fallback.get(pair[0])
    }


def active_organizations(*, region_id: int) -> QuerySet[Organization]:
    """The organizations of a region that take appeals (registration and redirect targets)."""
    return Organization.objects.filter(region_id=region_id, is_active=True)


def matching_organizations(
    organizations: QuerySet[Organization], *, query: str
) -> QuerySet[Organization]:
    """Those of `organizations` whose name or short name contains `query`, or whose INN starts
    with it (digits only); all of them for an empty query."""
    if not query:
        return organizations
    match = Q(name__icontains=query) | Q(short_name__icontains=query)
    if is_ascii_digits(query):
        match |= Q(inn__startswith=query)
    return organizations.filter(match)


def listed_officials(*, organization_id: int | None) -> QuerySet[Official]:
    """The officials an organization lists (its public page, the filing form's «Кому адресовано»)."""
    if organization_id is None:
        return Official.objects.none()
    return Official.objects.filter(organization_id=organization_id, is_active=True).order_by(
        "order", "name", "pk"
    )


def officials_of(*, organization_ids) -> QuerySet[Official]:
    """Every official of these organizations, listed or not, for the heads who keep the list."""
    return (
        Official.objects.filter(organization_id__in=organization_ids)
        .select_related("organization", "membership__user")
        .order_by("organization__name", "organization_id", "order", "name", "pk")
    )


def official_user_id(official: Official | None) -> int | None:
    """The staff account of an official (None: not linked, or no official)."""
    if official is None or official.membership_id is None:
        return None
    return (
        Membership.objects.filter(pk=official.membership_id)
        .values_list("user_id", flat=True)
        .first()
    )


def public_organization(*, slug: str) -> Organization | None:
    """An active organization by its public slug, for its public page."""
    return (
        Organization.objects.filter(slug=slug, is_active=True)
        .select_related("region", "parent")
        .prefetch_related(
            Prefetch(
                "officials",
                queryset=Official.objects.filter(is_active=True).order_by("order", "name", "pk"),
                to_attr="listed_officials",
            )
        )
        .first()
    )


def official_of(*, organization_id: int, user_id: int | None) -> Official | None:
    """The official an organization lists for a staff account (the person who signed an answer)."""
    if user_id is None:
        return None
    return (
        Official.objects.filter(organization_id=organization_id, membership__user_id=user_id)
        .order_by("-is_active", "pk")
        .first()
    )
