"""The demo plan: 769 organizations of Kamchatka Krai as a pure, deterministic function of the data.

Nothing here touches the database; `manage.py load_demo` writes the plan.
"""

import random
from dataclasses import dataclass

from django.core.management.base import CommandError

from demo.organizations import data
from organizations.validators import inn_check_digits, ogrn_check_digit

BATCH_SIZE = 100
# Roles a municipality may lack; the municipal administration then receives the appeals.
ADMIN_FALLBACK_ROLES = {"mc", "heat", "water", "electricity"}
MUNICIPAL_PREFIXES = ("МУП", "МКУ", "МАУ", "МБУ", "МАОУ", "МБОУ", "МАДОУ", "МБДОУ")
REGIONAL_ENTERPRISE_PREFIXES = ("КГУП", "ГУП")


@dataclass
class OrgSpec:
    """One organization of the demo plan; `roles` mark it as the local handler in its municipalities."""

    slug: str
    name: str
    kind: str
    parent: str | None = None
    municipalities: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    short_name: str = ""
    inn: str = ""
    ogrn: str = ""
    address: str = ""
    phone: str = ""

    @property
    def home(self) -> str | None:
        """The municipality where the organization is registered (None: the regional capital)."""
        return self.municipalities[0] if self.municipalities else None


# --- The plan: a pure, deterministic function of demo.data -------------------------------------


def allocate(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split `total` by `weights` (largest remainder), giving every share at least `minimum`."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total is smaller than the guaranteed minimum")
    scale = sum(weights)
    quotas = [rest * w / scale for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: rest - sum(counts)]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts, strict=True)]


class _NameBook:
    """Keeps generated names unique: a repeated name gets its locality appended."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, name: str, locality: str) -> str:
        candidate = name if name not in self.used else f"{name} ({locality})"
        suffix = 2
        while candidate in self.used:
            candidate = f"{name} ({locality}, {suffix})"
            suffix += 1
        self.used.add(candidate)
        return candidate


def _street_address(street: str, house: int) -> str:
    if street.startswith("проспект") or street.endswith("шоссе"):
        return f"{street}, д. {house}"
    return f"ул. {street}, д. {house}"


def _municipal_parent(name: str, key: str) -> str | None:
    return f"adm-{key}" if name.startswith(MUNICIPAL_PREFIXES) else None


def _health_roles(slug: str, key: str | None) -> tuple[str, ...]:
    if key is None:
        return ()
    return ("ambulance",) if "ambulance" in slug else ("hospital",)


def build_plan() -> list[OrgSpec]:
    """All demo organizations in creation order, with INN, OGRN, address and phone filled in."""
    munis = data.MUNICIPALITIES
    keys = [m["key"] for m in munis]
    by_key = {m["key"]: m for m in munis}
    weights = [m["weight"] for m in munis]
    detail = random.Random(data.DETAIL_SEED)
    book = _NameBook()

    def name(text: str, key: str | None = None) -> str:
        return book(text, by_key[key]["locality"] if key else data.REGION_CAPITAL["locality"])

    groups: dict[str, list[OrgSpec]] = {}

    groups["regional"] = [
        OrgSpec(slug, name(title), kind, short_name=short)
        for slug, title, short, kind in data.REGIONAL_BODIES
    ]
    op_slug, op_name, op_short = data.WASTE_OPERATOR
    groups["regional"].append(
        OrgSpec(op_slug, name(op_name), "waste_operator", short_name=op_short)
    )

    admins = [
        OrgSpec(
            f"adm-{m['key']}",
            name(f"Администрация {m['genitive']}", m["key"]),
            "municipal_administration",
            municipalities=(m["key"],),
            roles=("admin",),
        )
        for m in munis
    ]
    for key, settlements in data.SETTLEMENTS.items():
        admins += [
            OrgSpec(
                f"adm-{key}-{skey}",
                name(f"Администрация {genitive}", key),
                "municipal_administration",
                parent=f"adm-{key}",
                municipalities=(key,),
            )
            for skey, genitive in settlements
        ]
    groups["admins"] = admins

    suppliers = []
    for slug, title, resources, served in data.RESOURCE_SUPPLIERS:
        parent = _municipal_parent(title, served[0])
        if title.startswith(REGIONAL_ENTERPRISE_PREFIXES):
            parent = "min-housing"
        suppliers.append(
            OrgSpec(
                slug,
                name(title, served[0]),
                "resource_supplier",
                parent=parent,
                municipalities=served,
                roles=resources,
            )
        )
    groups["suppliers"] = suppliers
    groups["hauliers"] = [
        OrgSpec(
            slug,
            name(title, served[0]),
            "waste_operator",
            parent=_municipal_parent(title, served[0]),
            municipalities=served,
        )
        for slug, title, served in data.WASTE_HAULIERS
    ]

    housing, word = [], 0
    for key, count in zip(keys, allocate(data.MANAGEMENT_COMPANIES_TOTAL, weights), strict=True):
        streets = data.STREETS.get(key, data.DEFAULT_STREETS)
        companies = associations = 0
        for i in range(1, count + 1):
            if i % 3 == 0:
                associations += 1
                street, house = detail.choice(streets), detail.randint(1, 60)
                spec = OrgSpec(
                    f"hoa-{key}-{associations}",
                    name(f"ТСЖ «{street}, {house}»", key),
                    "management_company",
                    municipalities=(key,),
                    roles=("mc",),
                )
                m = by_key[key]
                spec.address = (
                    f"{m['postcode']}, Камчатский край, {m['locality']}, "
                    f"{_street_address(street, house)}"
                )
                housing.append(spec)
            else:
                companies += 1
                label = data.MANAGEMENT_COMPANY_WORDS[word % len(data.MANAGEMENT_COMPANY_WORDS)]
                form = "Управляющая компания" if word % 2 else "УК"
                word += 1
                housing.append(
                    OrgSpec(
                        f"mc-{key}-{companies}",
                        name(f"ООО «{form} „{label}“»", key),
                        "management_company",
                        municipalities=(key,),
                        roles=("mc",),
                    )
                )
    groups["housing"] = housing

    groups["regional_education"] = [
        OrgSpec(slug, name(title), "education", parent="min-education")
        for slug, title in data.REGIONAL_EDUCATION
    ]
    schools = []
    for m, count in zip(munis, allocate(data.SCHOOLS_TOTAL, weights), strict=True):
        key = m["key"]
        for i in range(1, count + 1):
            kind = "Основная школа" if i % 12 == 0 else "Средняя школа"
            if key == "petropavlovsk":
                kind = {1: "Гимназия", 6: "Лицей"}.get(i % 10, kind)
                title = f"МАОУ «{kind} № {i}»"
            else:
                number = f" № {i}" if count > 1 else ""
                title = f"МБОУ «{m['adj_f']} {kind.lower()}{number}»"
            schools.append(
                OrgSpec(
                    f"school-{key}-{i}",
                    name(title, key),
                    "education",
                    parent=f"adm-{key}",
                    municipalities=(key,),
                    roles=("school",),
                )
            )
    groups["schools"] = schools
    groups["kindergartens"] = []  # filled last: they complete the total

    groups["health"] = [
        OrgSpec(
            slug,
            name(title, key),
            "health_care",
            parent="min-health" if title.startswith(("ГБУЗ", "КГУП")) else None,
            municipalities=(key,) if key else (),
            roles=_health_roles(slug, key),
        )
        for slug, title, key in data.HEALTH_CARE
    ]

    culture = [
        OrgSpec(
            slug, name(title, key), "culture", parent=parent, municipalities=(key,) if key else ()
        )
        for slug, title, parent, key in data.REGIONAL_CULTURE
    ]
    house_names = iter(data.CULTURE_HOUSE_NAMES * 10)
    for m, count in zip(munis, allocate(data.MUNICIPAL_CULTURE_TOTAL, weights), strict=True):
        key, capital = m["key"], m["key"] == "petropavlovsk"
        art_schools = music_schools = 0
        for i in range(1, count + 1):
            if i == 1:
                title = f"МБУК «Централизованная библиотечная система» {m['genitive']}"
            elif i == 2 and not capital:
                title = f"МБУК «{m['adj_m']} дом культуры»"
            elif i == 3 and not capital:
                title = f"МБУ ДО «{m['adj_f']} детская школа искусств»"
            elif i == 4 and not capital:
                title = f"МБУК «{m['adj_m']} краеведческий музей»"
            elif not capital:
                if i % 2:
                    title = f"МБУК «Сельский дом культуры „{next(house_names)}“»"
                else:
                    music_schools += 1
                    title = f"МБУ ДО «{m['adj_f']} детская музыкальная школа № {music_schools}»"
            elif i % 4 == 0:
                art_schools += 1
                title = f"МБУ ДО «Детская школа искусств № {art_schools}»"
            elif i % 4 == 1:
                music_schools += 1
                title = f"МБУ ДО «Детская музыкальная школа № {music_schools}»"
            elif i % 4 == 2:
                title = f"МАУК «Дом культуры „{next(house_names)}“»"
            else:
                title = f"МАУК «Культурно-досуговый центр „{next(house_names)}“»"
            culture.append(
                OrgSpec(
                    f"culture-{key}-{i}",
                    name(title, key),
                    "culture",
                    parent=f"adm-{key}",
                    municipalities=(key,),
                    roles=("culture",),
                )
            )
    sport_names = iter(data.SPORT_FACILITY_NAMES * 10)
    for m, count in zip(munis, allocate(data.MUNICIPAL_SPORT_TOTAL, weights), strict=True):
        key, capital = m["key"], m["key"] == "petropavlovsk"
        sport_schools = 0
        for i in range(1, count + 1):
            if i == 1 and not capital:
                title = f"МБУ ДО «{m['adj_f']} спортивная школа»"
            elif i == 2 and not capital:
                title = f"МБУ «{m['adj_m']} физкультурно-оздоровительный комплекс»"
            elif not capital and i % 2 == 0:
                sport_schools += 1
                title = f"МБУ ДО «{m['adj_f']} спортивная школа № {sport_schools + 1}»"
            elif capital and i % 3 != 0:
                sport_schools += 1
                title = f"МАУ ДО «Спортивная школа № {sport_schools}»"
            else:
                title = f"МАУ «Стадион „{next(sport_names)}“»"
            culture.append(
                OrgSpec(
                    f"sport-{key}-{i}",
                    name(title, key),
                    "culture",
                    parent=f"adm-{key}",
                    municipalities=(key,),
                    roles=("sport",),
                )
            )
    groups["culture"] = culture

    social = [
        OrgSpec(
            slug,
            name(title, key),
            "social_protection",
            parent=parent,
            municipalities=(key,) if key else (),
        )
        for slug, title, parent, key in data.REGIONAL_SOCIAL
    ]
    social += [
        OrgSpec(
            f"social-kcson-{m['key']}",
            name(
                f"КГАУ СЗ «Комплексный центр социального обслуживания населения {m['genitive']}»",
                m["key"],
            ),
            "social_protection",
            parent="min-social",
            municipalities=(m["key"],),
            roles=("social",),
        )
        for m in munis
    ]
    social += [
        OrgSpec(
            f"social-dept-{key}",
            name(f"МКУ «Управление социальной поддержки населения {by_key[key]['genitive']}»", key),
            "social_protection",
            parent=f"adm-{key}",
            municipalities=(key,),
        )
        for key in data.MUNICIPAL_SOCIAL_DEPARTMENTS
    ]
    groups["social"] = social

    other = [
        OrgSpec(
            slug, name(title, key), "other", parent=parent, municipalities=(key,) if key else ()
        )
        for slug, title, parent, key in data.OTHER_ORGANIZATIONS
    ]
    other += [
        OrgSpec(
            f"edds-{m['key']}",
            name(f"МКУ «Единая дежурно-диспетчерская служба {m['genitive']}»", m["key"]),
            "other",
            parent=f"adm-{m['key']}",
            municipalities=(m["key"],),
        )
        for m in munis
    ]
    groups["other"] = other

    remaining = data.TOTAL_ORGANIZATIONS - sum(len(group) for group in groups.values())
    names = iter(data.KINDERGARTEN_NAMES * 20)
    for m, count in zip(munis, allocate(remaining, weights), strict=True):
        key = m["key"]
        for i in range(1, count + 1):
            if key == "petropavlovsk":
                title = f"МАДОУ «Детский сад № {i} „{next(names)}“»"
            else:
                number = f" № {i}" if count > 1 else ""
                title = f"МБДОУ «{m['adj_m']} детский сад{number} „{next(names)}“»"
            groups["kindergartens"].append(
                OrgSpec(
                    f"kindergarten-{key}-{i}",
                    name(title, key),
                    "education",
                    parent=f"adm-{key}",
                    municipalities=(key,),
                    roles=("kindergarten",),
                )
            )

    plan = [spec for group in groups.values() for spec in group]
    _assign_details(plan, by_key, detail)
    _check_plan(plan)
    return plan


def _registration_numbers(rng: random.Random, tax_office: str, used: set[str]) -> tuple[str, str]:
    """A valid 10-digit INN and 13-digit OGRN of a legal entity registered at `tax_office`."""
    while True:
        prefix = f"{tax_office}{rng.randrange(100_000):05d}"
        inn = prefix + inn_check_digits(prefix)
        if inn not in used:
            break
    while True:
        # 1 · year of registration · region 41 · inspectorate · record number · check digit
        prefix = f"1{rng.randint(2, 24):02d}41{tax_office[2:]}{rng.randrange(100_000):05d}"
        ogrn = prefix + ogrn_check_digit(prefix)
        if ogrn not in used:
            break
    used.update((inn, ogrn))
    return inn, ogrn


def _assign_details(plan: list[OrgSpec], by_key: dict, detail: random.Random) -> None:
    ids = random.Random(data.ID_SEED)
    used: set[str] = set()
    for spec in plan:
        home = by_key[spec.home] if spec.home else None
        tax_office = home["tax_office"] if home else "4101"
        spec.inn, spec.ogrn = _registration_numbers(ids, tax_office, used)
        place = home or data.REGION_CAPITAL
        streets = data.STREETS.get(spec.home or "petropavlovsk", data.DEFAULT_STREETS)
        street = _street_address(detail.choice(streets), detail.randint(1, 80))
        if not spec.address:  # associations already have the address of their house
            spec.address = f"{place['postcode']}, Камчатский край, {place['locality']}, {street}"
        code = place["phone_code"]
        local = f"{detail.randint(20, 49)}-{detail.randint(0, 99):02d}-{detail.randint(0, 99):02d}"
        spec.phone = f"+7 ({code}) {local if len(code) == 4 else local[1:]}"


def _check_plan(plan: list[OrgSpec]) -> None:
    slugs = [spec.slug for spec in plan]
    problems = []
    if len(plan) != data.TOTAL_ORGANIZATIONS:
        problems.append(f"{len(plan)} organizations instead of {data.TOTAL_ORGANIZATIONS}")
    if len(set(slugs)) != len(slugs):
        problems.append("duplicate slugs")
    known = set(slugs)
    problems += [
        f"unknown parent {s.parent} of {s.slug}" for s in plan if s.parent and s.parent not in known
    ]
    problems += [f"slug too long: {s.slug}" for s in plan if len(s.slug) > 100]
    problems += [f"name too long: {s.name}" for s in plan if len(s.name) > 300]
    if problems:
        raise CommandError("demo data is inconsistent: " + "; ".join(problems[:5]))


def plan_level(spec: OrgSpec, by_slug: dict[str, OrgSpec]) -> int:
    depth = 0
    while spec.parent:
        spec, depth = by_slug[spec.parent], depth + 1
    return depth


# --- The command -------------------------------------------------------------------------------
