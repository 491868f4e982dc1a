"""Which regime (and which version of its rules) applies to an appeal."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.memo import VersionedMemo
from organizations.errors import RoutingError
from organizations.models import Category, Municipality
from organizations.selectors import route_appeal
from regimes.models import Assurance, Regime, RegimeRule, RegimeVersion

# Rules and versions are a handful of rows read by filing, registration and every deadline:
# kept in each process, dropped when an administrator changes them (regimes/signals.py).
REGIMES = VersionedMemo("regimes")


@dataclass(frozen=True)
class _Tables:
    rules: dict[tuple[int | None, str], int]  # (category id or None, kind or "") → regime id
    versions: dict[int, list[RegimeVersion]]  # regime id → versions, newest first


def _load() -> _Tables:
    rules = {
        (rule.category_id, rule.organization_kind): rule.regime_id
        for rule in RegimeRule.objects.all()
    }
    versions: dict[int, list[RegimeVersion]] = {}
    for version in RegimeVersion.objects.select_related("regime").order_by(
        "-valid_from", "-number"
    ):
        versions.setdefault(version.regime_id, []).append(version)
    return _Tables(rules=rules, versions=versions)


def _tables() -> _Tables:
    return REGIMES.get("tables", _load)


def regime_version_for(
    *, category_id: int, parent_id: int | None, organization_kind: str, as_of: datetime
) -> RegimeVersion | None:
    """The version in force at `as_of` of the regime for this category at this kind of organization.

    The most specific rule wins: the category itself, then its section, then any category; for each,
    the organization kind before any kind. None when no rule applies (the category's own term
    stands) or the regime has no version in force yet.
    """
    tables = _tables()
    for category in (category_id, *([parent_id] if parent_id else []), None):
        for kind in (organization_kind, ""):
            regime_id = tables.rules.get((category, kind))
            if regime_id is not None:
                return next(
                    (v for v in tables.versions.get(regime_id, []) if v.valid_from <= as_of),
                    None,
                )
    return None


def _in_force(tables: _Tables, regime_id: int | None, as_of: datetime) -> RegimeVersion | None:
    return next((v for v in tables.versions.get(regime_id, []) if v.valid_from <= as_of), None)


@dataclass(frozen=True)
class Resolution:
    version: RegimeVersion | None  # the rules the appeal is reviewed under
    official: RegimeVersion | None  # the ones it would get with its author identified, if others


def resolve_regime(
    *,
    category_id: int,
    parent_id: int | None,
    organization_kind: str,
    as_of: datetime,
    channel: str,
    assurance: str,
) -> Resolution:
    """`regime_version_for`, then the identification the regime needs on `channel` (547-FZ): when
    `assurance` (how sure the platform is of the author on that channel) falls short, the
    regime's fallback applies (a 59-FZ appeal becomes a platform message) and the regime it would
    have had is returned beside it, so the citizen can convert it after identifying."""
    version = regime_version_for(
        category_id=category_id,
        parent_id=parent_id,
        organization_kind=organization_kind,
        as_of=as_of,
    )
    if version is None or meets(version, channel=channel, assurance=assurance):
        return Resolution(version, None)
    fallback = _in_force(_tables(), version.regime.fallback_id, as_of)
    return Resolution(fallback, version)


def meets(version: RegimeVersion, *, channel: str, assurance: str) -> bool:
    needed = version.needs(channel)
    return needed != Assurance.NEVER and Assurance.rank(assurance) >= Assurance.rank(needed)


def regime_version_by_id(version_id: int | None) -> RegimeVersion | None:
    if version_id is None:
        return None
    for versions in _tables().versions.values():
        for version in versions:
            if version.pk == version_id:
                return version
    return RegimeVersion.objects.select_related("regime").filter(pk=version_id).first()


def expected_regime(
    *,
    category: Category,
    municipality_id: int | None,
    channel: str = "web",
    assurance: str = Assurance.NONE,
) -> Resolution:
    """What a citizen filing now may expect: the regime for the body the routing rules would pick
    in the municipality (any body's regime while no municipality is chosen). The moderator may
    still choose another body; the appeal then takes that body's regime at registration."""
    kind = ""
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    if municipality is not None:
        try:
            kind = route_appeal(category=category, municipality=municipality).kind
        except RoutingError:
            kind = ""
    return resolve_regime(
        category_id=category.pk,
        parent_id=category.parent_id,
        organization_kind=kind,
        as_of=timezone.now(),
        channel=channel,
        assurance=assurance,
    )


def appeal_assurance_needed(*, channel: str, as_of: datetime | None = None) -> str:
    """The identification a 59-FZ appeal (a regime of kind «appeal» in force) needs on `channel`:
    what a co-signer of a collective appeal must have (547-FZ). Identity when no such regime is
    set up: an electronic 59-FZ appeal comes from an identified person by law."""
    as_of = as_of or timezone.now()
    tables = _tables()
    levels = [
        version.needs(channel)
        for regime_id in tables.versions
        if (version := _in_force(tables, regime_id, as_of)) is not None
        and version.regime.kind == Regime.Kind.APPEAL
    ]
    return max(levels, key=Assurance.rank) if levels else Assurance.IDENTITY
