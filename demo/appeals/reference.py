"""What the appeal generator reads and the accounts it needs: places, categories, routes, people.

``_References`` (a ``_Generator`` mixin) reads the region's municipalities with their streets,
the active leaf categories with their weights and routing, the moderators, executors and heads
once, and creates a demo executor for an organization without staff. ``_citizen_pool`` reuses or
creates the demo residents who file the appeals; ``_Place`` draws an address in a municipality.
"""

from __future__ import annotations

import bisect
import random
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from appeals.models import Appeal
from demo.appeals.plan import _cumulative, _dt
from demo.appeals.texts import (
    CATEGORY_WEIGHTS,
    DAY,
    DEFAULT_CATEGORY_WEIGHT,
    FEMALE_FIRST,
    FRESH_TERM_REDIRECT_WINDOW,
    MALE_FIRST,
    PATRONYMICS,
    RESIDENT_EMAIL,
    SEASONS,
    SURNAMES,
    TEMPLATES,
)
from demo.organizations import data as demo_data
from organizations.models import Membership, Municipality, Organization, RoutingRule
from organizations.selectors import leaf_categories
from regimes.models import Assurance, Outcome
from regimes.selectors import resolve_regime
from reporting.models import CategoryTopic

ALL_OUTCOMES = tuple(Outcome.values)

if TYPE_CHECKING:
    from demo.appeals import _Generator


def _street(name: str) -> tuple[str, str]:
    """A street name as in an address and after «на»: «ул. Ленинская» / «на ул. Ленинская»,
    «проспект Победы» / «на проспекте Победы», «Петропавловское шоссе» / «на Петропавловском шоссе»."""
    if name.startswith("проспект "):
        return name, "на проспекте " + name.removeprefix("проспект ")
    if name.endswith(" шоссе"):
        adjective = name.removesuffix(" шоссе")
        return name, f"на {adjective[:-2]}ом шоссе" if adjective.endswith("ое") else f"на {name}"
    return f"ул. {name}", f"на ул. {name}"


class _Place:
    """Where the problem is: a street and house in the municipality's centre."""

    __slots__ = ("full", "on_street", "short")

    def __init__(self, info: dict, rng: random.Random):
        street, self.on_street = rng.choice(info["streets"])
        self.short = f"{street}, д. {rng.randint(1, info['houses'])}"
        self.full = f"{info['locality']}, {self.short}"


class _Citizens:
    def __init__(self, ids: list[int], homes: list[int | None], identified: set[int] = frozenset()):
        if not ids:
            raise ValueError("no citizens to file the appeals")
        self.ids, self.homes, self.identified = ids, homes, identified

    def pick(self, rng: random.Random) -> tuple[int, int | None]:
        index = int(len(self.ids) * rng.random() ** 1.25)  # some people write far more than others
        return self.ids[index], self.homes[index]

    def assurance(self, citizen_id: int, channel: str) -> str:
        """How sure the platform is of the author on `channel` (appeals/identification.py)."""
        if channel not in (Appeal.Channel.WEB, Appeal.Channel.WIDGET):
            return Assurance.NONE  # a partner's call carries no identity assertion
        return Assurance.IDENTITY if citizen_id in self.identified else Assurance.EMAIL


# The share of demo residents who signed in through Gosuslugi (identity verified), by their number.
IDENTIFIED_PER_TEN = 7


def _person(rng: random.Random) -> tuple[str, str, str]:
    female = rng.random() < 0.55
    surname = rng.choice(SURNAMES)[1 if female else 0]
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    return surname, first, patronymic


def _citizen_pool(gen: _Generator, size: int) -> _Citizens:
    """`size` demo residents (resident{n}@demo.local): existing ones first, the rest created."""
    User = get_user_model()
    existing, last_n = [], 0
    identified = set()
    for pk, email, municipality_id, verified in (
        User.objects.filter(email__startswith="resident", email__endswith="@demo.local")
        .order_by("pk")
        .values_list("pk", "email", "municipality_id", "identity_verified_at")
    ):
        match = RESIDENT_EMAIL.match(email)
        if match:
            existing.append((pk, municipality_id))
            last_n = max(last_n, int(match.group(1)))
            if verified is not None:
                identified.add(pk)
    pool = existing[:size]
    rng = random.Random(f"residents-{gen.region.pk}-{last_n}")
    joined_before = gen.now - gen.window
    new_users = []
    for n in range(last_n + 1, last_n + 1 + size - len(pool)):
        last, first, patronymic = _person(rng)
        municipality_id = gen.municipality_ids[
            bisect.bisect(gen.municipality_cum, rng.random() * gen.municipality_cum[-1])
        ]
        info = gen.places[gen.municipality_index[municipality_id]]
        place = _Place(info, rng)
        postcode = f"{info['postcode']}, " if info["postcode"] else ""
        joined = _dt(joined_before - rng.uniform(1, 400) * DAY)
        new_users.append(
            User(
                email=f"resident{n}@demo.local",
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                phone=f"+7 914 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                municipality_id=municipality_id,
                postal_address=f"{postcode}{place.full}, кв. {rng.randint(1, 120)}",
                password=make_password(None),
                date_joined=joined,
                identity_verified_at=joined if n % 10 < IDENTIFIED_PER_TEN else None,
            )
        )
    for user in User.objects.bulk_create(new_users, batch_size=2000):
        pool.append((user.pk, user.municipality_id))
        if user.identity_verified_at is not None:
            identified.add(user.pk)
    return _Citizens(
        [pk for pk, _m in pool],
        [m if m in gen.municipality_index else None for _pk, m in pool],
        identified,
    )


class _References:
    """Reference data of the region, read once (a ``_Generator`` mixin)."""

    # --- reference data, read once ------------------------------------------------------------
    def _load_places(self) -> None:
        municipalities = list(Municipality.objects.filter(region=self.region).order_by("pk"))
        if not municipalities:
            raise ValueError(f"Region {self.region.code} has no municipalities")
        known = {row["name"]: row for row in demo_data.MUNICIPALITIES}
        served = Counter(
            Organization.municipalities.through.objects.filter(
                municipality__region=self.region
            ).values_list("municipality_id", flat=True)
        )
        self.municipality_ids = [m.pk for m in municipalities]
        self.municipality_index = {m.pk: n for n, m in enumerate(municipalities)}
        self.places, weights = [], []
        for m in municipalities:
            row = known.get(m.name)
            streets = (
                demo_data.STREETS.get(row["key"], demo_data.DEFAULT_STREETS)
                if row
                else demo_data.DEFAULT_STREETS
            )
            self.places.append(
                {
                    "locality": row["locality"] if row else (m.centre or m.name),
                    "postcode": row["postcode"] if row else "",
                    "streets": [_street(name) for name in streets],
                    "houses": 120 if len(streets) > 20 else 60,
                    "lat": float(m.latitude) if m.latitude is not None else None,
                    "lon": float(m.longitude) if m.longitude is not None else None,
                }
            )
            weights.append(row["weight"] if row else served.get(m.pk, 0) + 1)
        total = sum(weights)
        self.municipality_cum = list(_cumulative([w / total for w in weights]))

    def _load_categories_and_routes(self, organization) -> None:
        categories = [c for c in leaf_categories() if c.parent.is_active]
        if not categories:
            raise ValueError("There are no active leaf categories")
        local, fallback = {}, {}
        rules = RoutingRule.objects.filter(
            region=self.region, organization__is_active=True
        ).values_list("category_id", "municipality_id", "organization_id")
        for category_id, municipality_id, organization_id in rules:
            if municipality_id is None:
                fallback[category_id] = organization_id
            else:
                local[category_id, municipality_id] = organization_id
        any_org = (
            Organization.objects.filter(region=self.region, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if any_org is None:
            raise ValueError(f"Region {self.region.code} has no active organizations")
        self.route: dict[tuple[int, int], int] = {}
        for c in categories:
            for m in self.municipality_ids:
                self.route[c.pk, m] = local.get((c.pk, m)) or fallback.get(c.pk) or any_org
        self.fallback = fallback
        # Restricting to one organization: only the (category, municipality) pairs routed to it.
        self.allowed: dict[int, list[int]] | None = None
        if organization is not None:
            self.allowed = defaultdict(list)
            for (c, m), org in self.route.items():
                if org == organization.pk:
                    self.allowed[c].append(m)
            categories = [c for c in categories if c.pk in self.allowed]
            if not categories:
                raise ValueError(f"No category is routed to {organization}")
        self.categories = categories
        self.category_rows = [
            (c.pk, c.term_days, c.day_count, c.parent.slug, c.name, TEMPLATES.get(c.slug))
            for c in categories
        ]
        base = [CATEGORY_WEIGHTS.get(c.slug, DEFAULT_CATEGORY_WEIGHT) for c in categories]
        self.category_cum = {
            month: list(
                _cumulative(
                    [
                        w * SEASONS.get(c.slug, {}).get(month, 1.0)
                        for w, c in zip(base, categories, strict=True)
                    ]
                )
            )
            for month in range(1, 13)
        }
        self.org_names = dict(
            Organization.objects.filter(pk__in=set(self.route.values())).values_list("pk", "name")
        )
        self.org_kinds = dict(
            Organization.objects.filter(pk__in=set(self.route.values())).values_list("pk", "kind")
        )
        self.category_parents = {c.pk: c.parent_id for c in categories}
        # The classifier heading registration gives each category's appeals (reporting/).
        self.topics = dict(CategoryTopic.objects.values_list("category_id", "topic_id"))
        self._regimes: dict[tuple[int, int], tuple] = {}

    def regime_term(
        self, category_id: int, org: int, term: int, day_count: str, channel: str, assurance: str
    ) -> tuple:
        """(regime version id, term days, day count, extension allowed and its longest, the
        forwarding window in seconds, the results of the review answers may state, the regime it
        would have had were its author identified on the channel) the registration of an appeal of this category at this organization fixes
        (regimes/selectors.py)."""
        key = (category_id, org, channel, assurance)
        if key not in self._regimes:
            resolution = resolve_regime(
                category_id=category_id,
                parent_id=self.category_parents.get(category_id),
                organization_kind=self.org_kinds.get(org, ""),
                as_of=timezone.now(),
                channel=channel,
                assurance=assurance,
            )
            version, official = resolution.version, resolution.official
            self._regimes[key] = (
                (
                    version.pk,
                    version.answer_days,
                    version.day_count,
                    version.extension_allowed,
                    version.extension_max_days,
                    version.forwarding_days * DAY,
                    tuple(version.outcomes) or ALL_OUTCOMES,
                    official.pk if official else None,
                )
                if version
                else (
                    None,
                    term,
                    day_count,
                    True,
                    30,
                    FRESH_TERM_REDIRECT_WINDOW.total_seconds(),
                    ALL_OUTCOMES,
                    None,
                )
            )
        return self._regimes[key]

    def _load_staff(self) -> None:
        """Moderators of the region; executors and heads of every organization appeals may reach.

        An answer needs an author: an organization without staff gets one demo executor account
        (unusable password), created once and reused by later runs.
        """
        self.moderators = list(
            Membership.objects.filter(region=self.region, role=Membership.Role.MODERATOR)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        targets = set(self.route.values()) | set(self.fallback.values())
        parents = dict(
            Organization.objects.filter(region=self.region).values_list("pk", "parent_id")
        )
        executors, heads = defaultdict(list), defaultdict(list)
        for user_id, org_id, role in (
            Membership.objects.filter(
                organization__region=self.region, role__in=Membership.ORGANIZATION_ROLES
            )
            .order_by("pk")
            .values_list("user_id", "organization_id", "role")
        ):
            (executors if role == Membership.Role.EXECUTOR else heads)[org_id].append(user_id)
        missing = sorted(org for org in targets if not executors.get(org) and not heads.get(org))
        if missing:
            for org_id, user_id in self._create_staff(missing).items():
                executors[org_id].append(user_id)
        self.executors = {org: executors.get(org) or heads[org] for org in targets}
        self.heads: dict[int, list[int]] = {}
        for org in targets:  # heads of the organization or of any organization above it
            found, seen, current = [], set(), org
            while current is not None and current not in seen:
                seen.add(current)
                found += heads.get(current, [])
                current = parents.get(current)
            self.heads[org] = found

    def _create_staff(self, org_ids: list[int]) -> dict[int, int]:
        User = get_user_model()
        slugs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "slug"))
        emails = {org: f"staff.{slugs[org]}@demo.local" for org in org_ids}
        existing = dict(User.objects.filter(email__in=emails.values()).values_list("email", "pk"))
        rng = random.Random(f"staff-{self.region.pk}")
        new_users = []
        for org in org_ids:
            if emails[org] not in existing:
                last, first, patronymic = _person(rng)
                new_users.append(
                    User(
                        email=emails[org],
                        last_name=last,
                        first_name=first,
                        patronymic=patronymic,
                        password=make_password(None),
                    )
                )
        for user in User.objects.bulk_create(new_users):
            existing[user.email] = user.pk
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=existing[emails[org]],
                    organization_id=org,
                    role=Membership.Role.EXECUTOR,
                )
                for org in org_ids
            ],
            ignore_conflicts=True,
        )
        return {org: existing[emails[org]] for org in org_ids}
