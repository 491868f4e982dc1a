"""Reads of the address registry: suggestions, matching typed text to a house, who serves a house."""

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Category, Municipality
from organizations.selectors import Route, route_by_rules
from places.models import House, ServiceTerritory
from places.normalize import core_tokens, tokens

SUGGESTION_LIMIT = 8
MAX_TYPED_WORDS = 8
# A typed address names a house only among this many candidates (a bare "1" matches thousands).
MATCH_CANDIDATES = 200


def houses() -> QuerySet[House]:
    return House.objects.select_related("street__settlement")


def suggest_houses(*, text: str, municipality_id: int | None = None) -> list[House]:
    """Houses whose address words start with the typed words, for the filing form's suggestions."""
    words = tokens(text)[:MAX_TYPED_WORDS]
    if not words or not any(len(word) >= 2 or word[0].isdigit() for word in words):
        return []
    found = houses()
    if municipality_id is not None:
        found = found.filter(street__settlement__municipality_id=municipality_id)
    for word in words:
        found = found.filter(search__contains=f" {word}")
    return list(
        found.order_by("street__settlement__name", "street__name", "number", "building")[
            :SUGGESTION_LIMIT
        ]
    )


def match_house(*, text: str, municipality_id: int | None) -> House | None:
    """The one registry house a typed address names, or None when none or several fit.

    A house fits when its street words, number and building all appear in the text (extra words —
    the settlement, «подъезд 2» — do not matter); of several, the most specific one wins («12 к2»
    over «12»), and the settlement named in the text decides between equal ones.
    """
    words = set(tokens(text))
    numbers = [word for word in words if word[0].isdigit()]
    names = [word for word in words if not word[0].isdigit() and not word.startswith("к")]
    names += [word for word in words if word.startswith("к") and not word[1:].isdigit()]
    if not numbers or not names or municipality_id is None:
        return None
    number_match = Q()
    for word in numbers:
        number_match |= Q(search__contains=f" {word} ")
    name_match = Q()
    for word in names:
        name_match |= Q(search__contains=f" {word} ")
    candidates = list(
        houses()
        .filter(number_match, name_match, street__settlement__municipality_id=municipality_id)
        .order_by("pk")[:MATCH_CANDIDATES]
    )
    fitting = [
        (house, core)
        for house in candidates
        if (
            core := core_tokens(
                street=house.street.name, number=house.number, building=house.building
            )
        )
        <= words
    ]
    if not fitting:
        return None
    widest = max(len(core) for _house, core in fitting)
    best = [house for house, core in fitting if len(core) == widest]
    if len(best) > 1:
        best = [house for house in best if set(tokens(house.street.settlement.name)) <= words]
    return best[0] if len(best) == 1 else None


def _territory_rank(territory: ServiceTerritory) -> tuple:
    level = 0 if territory.house_id else (1 if territory.settlement_id else 2)
    return (level, -territory.valid_from.toordinal(), -territory.pk)


def serving_territories(
    *, pairs: set[tuple[House, str]], day: date | None = None
) -> dict[tuple[int, str], ServiceTerritory]:
    """For each (house, service kind): the territory valid on `day` whose active organization
    serves the house — the house's own first, then its settlement's, then its municipality's.
    One query for all pairs (houses must come with `street__settlement`)."""
    if not pairs:
        return {}
    day = day or timezone.localdate()
    house_ids = {house.pk for house, _kind in pairs}
    settlement_ids = {house.street.settlement_id for house, _kind in pairs}
    municipality_ids = {house.street.settlement.municipality_id for house, _kind in pairs}
    rows = (
        ServiceTerritory.objects.filter(
            Q(house_id__in=house_ids)
            | Q(settlement_id__in=settlement_ids)
            | Q(municipality_id__in=municipality_ids),
            kind__in={kind for _house, kind in pairs},
            organization__is_active=True,
            valid_from__lte=day,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("organization", "settlement", "municipality")
    )
    by_place: dict[tuple[str, str, int], list[ServiceTerritory]] = {}
    for row in rows:
        if row.house_id:
            key = ("house", row.kind, row.house_id)
        elif row.settlement_id:
            key = ("settlement", row.kind, row.settlement_id)
        else:
            key = ("municipality", row.kind, row.municipality_id)
        by_place.setdefault(key, []).append(row)
    result = {}
    for house, kind in pairs:
        found = (
            by_place.get(("house", kind, house.pk), [])
            + by_place.get(("settlement", kind, house.street.settlement_id), [])
            + by_place.get(("municipality", kind, house.street.settlement.municipality_id), [])
        )
        if found:
            result[(house.pk, kind)] = min(found, key=_territory_rank)
    return result


def registry_route(*, house: House, territory: ServiceTerritory) -> Route:
    if territory.house_id:
        reason = _("by the address registry: the house %(house)s is served by %(organization)s")
    else:
        reason = _(
            "by the address registry: %(place)s, where the house %(house)s is, is served by "
            "%(organization)s"
        )
    return Route(
        organization=territory.organization,
        source=Route.Source.REGISTRY,
        reason=reason
        % {
            "house": house.short_label,
            "place": territory.settlement or territory.municipality,
            "organization": territory.organization,
        },
    )


def house_routes(*, pairs: set[tuple[House, str]]) -> dict[tuple[int, str], Route]:
    """Registry routes of many (house, service kind) pairs in one query (a moderation page)."""
    territories = serving_territories(pairs=pairs)
    return {
        (house.pk, kind): registry_route(house=house, territory=territories[(house.pk, kind)])
        for house, kind in pairs
        if (house.pk, kind) in territories
    }


def route_appeal(
    *, category: Category, municipality: Municipality, house: House | None = None
) -> Route:
    """Who answers an appeal of `category` about `house` in `municipality`, and why.

    The registry first: the organization serving the house for the category's service (the
    management company for «подъезд»), valid today and active; then the category × municipality
    rule, then the region-wide one. Raises RoutingError when nothing applies.
    """
    if house is not None and category.served_by:
        territory = serving_territories(pairs={(house, category.served_by)}).get(
            (house.pk, category.served_by)
        )
        if territory is not None:
            return registry_route(house=house, territory=territory)
    return route_by_rules(category=category, municipality=municipality)
