"""The demo address registry: three settlements of Kamchatka with realistic streets and a few
thousand houses, and who serves them (management companies by house, suppliers and waste
hauliers by settlement). Deterministic: the same seed gives the same registry."""

import math
import random
import uuid
from datetime import date
from decimal import Decimal

from organizations.models import Category, Municipality, ServiceKind
from places.models import House, ServiceTerritory, Settlement, Street
from places.services import bulk_create_registry

SEED = 4114
FIAS_NAMESPACE = uuid.UUID("6f1c2a52-8a53-4c0e-9b0e-41a1d2e5c014")
SINCE = date(2024, 1, 1)
PREVIOUS = (date(2021, 1, 1), date(2023, 12, 31))  # an earlier, ended contract of some houses
STEP = Decimal("0.00001")

# OKTMO codes of the three municipalities (classifier OK 033-2013), to import by code.
OKTMO = {"petropavlovsk": "30701000", "vilyuchinsk": "30735000", "elizovo": "30607000"}

# (street kind, name, houses). Street names are those of the real towns.
SETTLEMENTS = [
    {
        "municipality": "petropavlovsk",
        "name": "Петропавловск-Камчатский",
        # the city stretches along Avacha Bay from the old centre (south-east) to the north-west
        "axis": ((52.995, 158.655), (53.085, 158.615)),
        "width": 0.012,
        "density": 1.5,  # the regional capital: long streets of apartment blocks
        "streets": [
            ("ул.", "Ленинская", 70),
            ("пр-т", "Карла Маркса", 60),
            ("пр-т", "Победы", 70),
            ("ул.", "Вулканная", 50),
            ("ул.", "Океанская", 70),
            ("ул.", "Советская", 60),
            ("ул.", "Пограничная", 60),
            ("ул.", "Ключевская", 50),
            ("ул.", "Тундровая", 40),
            ("ул.", "Дальневосточная", 50),
            ("ул.", "Академика Королёва", 60),
            ("ул.", "Циолковского", 50),
            ("ул.", "Бохняка", 30),
            ("ул.", "Кавказская", 40),
            ("ул.", "Виталия Кручины", 30),
            ("ул.", "Якорная", 30),
            ("ул.", "Карбышева", 30),
            ("ул.", "Владивостокская", 40),
            ("ул.", "Мишенная", 60),
            ("ул.", "Топоркова", 20),
            ("ул.", "Морская", 30),
            ("ул.", "Рябиковская", 60),
            ("ул.", "Партизанская", 40),
            ("ул.", "Индустриальная", 30),
            ("ул.", "Лукашевского", 30),
            ("ул.", "Звёздная", 40),
            ("ш.", "Петропавловское", 40),
            ("пр-т", "Рыбаков", 50),
            ("пр-т", "50 лет Октября", 60),
            ("ул.", "Степная", 40),
            ("ул.", "Механизации", 20),
            ("ул.", "Высотная", 30),
            ("ул.", "Ломоносова", 40),
            ("ул.", "Горького", 30),
            ("ул.", "Чубарова", 40),
            ("ул.", "Набережная", 30),
        ],
    },
    {
        "municipality": "elizovo",
        "name": "Елизово",
        "axis": ((53.170, 158.370), (53.200, 158.410)),
        "width": 0.010,
        "streets": [
            ("ул.", "Ленина", 60),
            ("ул.", "Завойко", 50),
            ("ул.", "Рябикова", 40),
            ("ул.", "Чернышевского", 30),
            ("ул.", "Пограничная", 40),
            ("ул.", "Виталия Кручины", 30),
            ("ул.", "Садовая", 40),
            ("ул.", "Беринга", 30),
            ("ул.", "Магистральная", 50),
            ("ул.", "Звёздная", 20),
            ("ул.", "Красноярская", 20),
            ("ул.", "Гришечко", 20),
            ("ул.", "Мурманская", 30),
            ("ул.", "Школьная", 30),
            ("ул.", "Первомайская", 30),
        ],
    },
    {
        "municipality": "vilyuchinsk",
        "name": "Вилючинск",
        "axis": ((52.920, 158.380), (52.945, 158.420)),
        "width": 0.008,
        "streets": [
            ("ул.", "Победы", 40),
            ("ул.", "Мира", 30),
            ("ул.", "Кронштадтская", 30),
            ("ул.", "Владивостокская", 20),
            ("ул.", "Приморская", 30),
            ("ул.", "Гусарова", 40),
            ("ул.", "Спортивная", 20),
            ("ул.", "Вилкова", 20),
            ("ул.", "Нахимова", 30),
            ("ул.", "Крашенинникова", 20),
        ],
    },
]

# Who serves a whole settlement, by service (slugs of the demo plan).
AREA_SERVICES = {
    "petropavlovsk": {
        ServiceKind.HEAT_SUPPLIER: "kamchatskenergo",
        ServiceKind.ELECTRICITY_SUPPLIER: "kamchatskenergo",
        ServiceKind.WATER_SUPPLIER: "kamchatsky-vodokanal",
        ServiceKind.GAS_SUPPLIER: "gazprom-gr-dv",
        ServiceKind.WASTE_OPERATOR: "waste-spectrans",
    },
    "elizovo": {
        ServiceKind.HEAT_SUPPLIER: "kamchatskenergo",
        ServiceKind.ELECTRICITY_SUPPLIER: "yuesk",
        ServiceKind.WATER_SUPPLIER: "elizovo-vodokanal",
        ServiceKind.GAS_SUPPLIER: "kamchatgazprom",
        ServiceKind.WASTE_OPERATOR: "waste-elizovo-sah",
    },
    "vilyuchinsk": {
        ServiceKind.HEAT_SUPPLIER: "vilyuchinsk-gts",
        ServiceKind.WATER_SUPPLIER: "vilyuchinsk-gts",
        ServiceKind.ELECTRICITY_SUPPLIER: "oboronenergo-dv",
        ServiceKind.WASTE_OPERATOR: "waste-chisty-gorod",
    },
}

# Which service answers a category of the demo tree (Category.served_by).
SERVED_BY = {
    "no-heating": ServiceKind.HEAT_SUPPLIER,
    "no-water": ServiceKind.WATER_SUPPLIER,
    "power-outage": ServiceKind.ELECTRICITY_SUPPLIER,
    "roof-leak": ServiceKind.MANAGEMENT_COMPANY,
    "building-maintenance": ServiceKind.MANAGEMENT_COMPANY,
    "utility-bills": ServiceKind.MANAGEMENT_COMPANY,
    "uncollected-waste": ServiceKind.WASTE_OPERATOR,
}
UNMANAGED_SHARE = 0.05  # houses with no management company in the registry (routing falls back)


def _point(rng: random.Random, spec: dict) -> tuple[float, float, float]:
    (lat0, lon0), (lat1, lon1) = spec["axis"]
    t = rng.random()
    side = rng.uniform(-1, 1) * spec["width"]
    angle = rng.uniform(0, math.pi)
    return lat0 + (lat1 - lat0) * t + side, lon0 + (lon1 - lon0) * t, angle


def _numbers(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """House numbers of a street: 1, 2, 3, 3А, 4, 5 к1, 5 к2 … as real streets have them."""
    result, number = [], 1
    while len(result) < count:
        roll = rng.random()
        if roll < 0.08:
            result += [(str(number), "1"), (str(number), "2")]
        elif roll < 0.14:
            result += [(str(number), ""), (f"{number}А", "")]
        else:
            result.append((str(number), ""))
        number += rng.choice((1, 1, 1, 2))
    return result[:count]


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.5f}").quantize(STEP)


def load_demo_registry(*, municipalities: dict[str, Municipality], org_ids: dict[str, int]) -> str:
    """Create what is missing of the demo registry; returns a line for the load_demo log."""
    rng = random.Random(SEED)
    for key, code in OKTMO.items():
        Municipality.objects.filter(pk=municipalities[key].pk, oktmo="").update(oktmo=code)
    for slug, kind in SERVED_BY.items():
        Category.objects.filter(slug=slug, served_by="").update(served_by=kind)

    new_houses: list[House] = []
    settlements = {}
    for spec in SETTLEMENTS:
        settlement, _created = Settlement.objects.get_or_create(
            municipality=municipalities[spec["municipality"]],
            kind=Settlement.Kind.CITY,
            name=spec["name"],
            defaults={"fias_id": str(uuid.uuid5(FIAS_NAMESPACE, spec["name"]))},
        )
        settlements[spec["municipality"]] = settlement
        existing_streets = {(s.kind, s.name): s for s in settlement.streets.all()}
        missing = [
            Street(
                settlement=settlement,
                kind=kind,
                name=name,
                fias_id=str(uuid.uuid5(FIAS_NAMESPACE, f"{spec['name']}|{kind}|{name}")),
            )
            for kind, name, _count in spec["streets"]
            if (kind, name) not in existing_streets
        ]
        for street in Street.objects.bulk_create(missing):
            existing_streets[(street.kind, street.name)] = street
        for kind, name, count in spec["streets"]:
            street = existing_streets[(kind, name)]
            street.settlement = settlement
            lat, lon, angle = _point(rng, spec)
            houses = round(count * spec.get("density", 1))
            for index, (number, building) in enumerate(_numbers(rng, houses)):
                along = index * 0.0003
                new_houses.append(
                    House(
                        street=street,
                        number=number,
                        building=building,
                        fias_id=str(
                            uuid.uuid5(
                                FIAS_NAMESPACE, f"{spec['name']}|{kind}|{name}|{number}|{building}"
                            )
                        ),
                        latitude=_coordinate(lat + math.sin(angle) * along),
                        longitude=_coordinate(lon + math.cos(angle) * along * 1.6),
                    )
                )
    created = bulk_create_registry(new_houses)
    territories = _load_territories(settlements, org_ids, rng)
    total = House.objects.filter(street__settlement__in=settlements.values()).count()
    return (
        f"Реестр адресов: {len(settlements)} населённых пункта, домов {total} (создано {created}); "
        f"территорий обслуживания создано {territories}"
    )


def _load_territories(settlements: dict[str, Settlement], org_ids: dict[str, int], rng) -> int:
    if ServiceTerritory.objects.filter(settlement__in=settlements.values()).exists():
        return 0
    rows = []
    for key, settlement in settlements.items():
        for kind, slug in AREA_SERVICES[key].items():
            if slug in org_ids:
                rows.append(
                    ServiceTerritory(
                        kind=kind,
                        organization_id=org_ids[slug],
                        settlement=settlement,
                        valid_from=SINCE,
                    )
                )
        companies = sorted(
            (slug for slug in org_ids if slug.startswith((f"mc-{key}-", f"hoa-{key}-"))),
            key=lambda slug: (slug.split("-")[0], int(slug.rsplit("-", 1)[1])),
        )
        if not companies:
            continue
        houses = House.objects.filter(street__settlement=settlement).order_by("street__name", "pk")
        for index, house_id in enumerate(houses.values_list("pk", flat=True)):
            if rng.random() < UNMANAGED_SHARE:
                continue
            # neighbouring houses share a company, as they do: blocks of 12 along a street
            company = companies[(index // 12) % len(companies)]
            rows.append(
                ServiceTerritory(
                    kind=ServiceKind.MANAGEMENT_COMPANY,
                    organization_id=org_ids[company],
                    house_id=house_id,
                    valid_from=SINCE,
                )
            )
            if index % 40 == 0:  # an earlier company whose contract ended
                previous = companies[(index // 12 + 1) % len(companies)]
                rows.append(
                    ServiceTerritory(
                        kind=ServiceKind.MANAGEMENT_COMPANY,
                        organization_id=org_ids[previous],
                        house_id=house_id,
                        valid_from=PREVIOUS[0],
                        valid_to=PREVIOUS[1],
                    )
                )
    return len(ServiceTerritory.objects.bulk_create(rows, batch_size=2000))


def link_demo_queue(*, region) -> str:
    """Give the submitted demo appeals of the three towns a registry house, so the moderator's
    queue shows routing by house next to routing by rule. Once: skipped when any has a house."""
    from appeals.models import Appeal

    if Appeal.objects.filter(region=region, house__isnull=False).exists():
        return "Обращения у домов реестра: уже связаны"
    rng = random.Random(SEED + 1)
    by_municipality: dict[int, list[House]] = {}
    for house in House.objects.select_related("street__settlement").order_by("pk"):
        by_municipality.setdefault(house.street.settlement.municipality_id, []).append(house)
    linked = 0
    waiting = Appeal.objects.filter(
        region=region, status=Appeal.Status.SUBMITTED, municipality_id__in=by_municipality
    ).order_by("pk")
    for index, appeal in enumerate(waiting):
        if index % 3 == 2:  # some stay free text, as filed by people who typed a landmark
            continue
        house = rng.choice(by_municipality[appeal.municipality_id])
        Appeal.objects.filter(pk=appeal.pk).update(
            house=house,
            address=house.label,
            latitude=house.latitude,
            longitude=house.longitude,
        )
        linked += 1
    return f"Обращения у домов реестра: {linked}"
