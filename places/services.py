"""Writes of the address registry: importing houses and service territories from CSV or XLSX.

A file is read into rows (`read_table`), each row is checked on its own, and good rows are
upserted: a bad line is reported with its number and never stops the others. Importing the
same file again changes nothing (houses are found by FIAS/GAR id, else by street, number and
building; territories by service, organization, place and start date).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.input import EARLIEST_DATE, LATEST_DATE, is_ascii_digits
from organizations.models import Municipality, Organization, ServiceKind
from places.models import House, ServiceTerritory, Settlement, Street
from places.normalize import clean, house_search

PROGRESS_EVERY = 500
COORDINATE_STEP = Decimal("0.00001")

# Column names (lower case) and the names they may also go by in a file.
ADDRESS_COLUMNS = {
    "municipality": (
        "municipality",
        "oktmo",
        "муниципалитет",
        "муниципальное образование",
        "октмо",
    ),
    "settlement": ("settlement", "населённый пункт", "населенный пункт"),
    "settlement_kind": ("settlement_kind", "тип населённого пункта", "тип населенного пункта"),
    "settlement_fias_id": ("settlement_fias_id",),
    "street": ("street", "улица"),
    "street_kind": ("street_kind", "тип улицы"),
    "street_fias_id": ("street_fias_id",),
    "house": ("house", "дом", "номер дома"),
    "building": ("building", "корпус"),
    "fias_id": ("fias_id", "house_fias_id", "gar_id", "фиас"),
    "lat": ("lat", "latitude", "широта"),
    "lon": ("lon", "lng", "longitude", "долгота"),
}
TERRITORY_COLUMNS = {
    "kind": ("kind", "service", "вид", "услуга"),
    "organization": ("organization", "inn", "организация", "инн"),
    "house_fias_id": ("house_fias_id", "fias_id", "house", "дом"),
    "municipality": ADDRESS_COLUMNS["municipality"],
    "settlement": ADDRESS_COLUMNS["settlement"],
    "settlement_kind": ADDRESS_COLUMNS["settlement_kind"],
    "valid_from": ("valid_from", "с", "действует с"),
    "valid_to": ("valid_to", "по", "действует по"),
}
SETTLEMENT_KINDS = {
    "": Settlement.Kind.CITY,
    "г": Settlement.Kind.CITY,
    "город": Settlement.Kind.CITY,
    "city": Settlement.Kind.CITY,
    "пгт": Settlement.Kind.URBAN_SETTLEMENT,
    "посёлок городского типа": Settlement.Kind.URBAN_SETTLEMENT,
    "поселок городского типа": Settlement.Kind.URBAN_SETTLEMENT,
    "urban_settlement": Settlement.Kind.URBAN_SETTLEMENT,
    "п": Settlement.Kind.SETTLEMENT,
    "пос": Settlement.Kind.SETTLEMENT,
    "посёлок": Settlement.Kind.SETTLEMENT,
    "поселок": Settlement.Kind.SETTLEMENT,
    "settlement": Settlement.Kind.SETTLEMENT,
    "с": Settlement.Kind.VILLAGE,
    "село": Settlement.Kind.VILLAGE,
    "village": Settlement.Kind.VILLAGE,
    "д": Settlement.Kind.HAMLET,
    "деревня": Settlement.Kind.HAMLET,
    "hamlet": Settlement.Kind.HAMLET,
}
STREET_KINDS = {
    "": "ул.",
    "ул": "ул.",
    "улица": "ул.",
    "пр-т": "пр-т",
    "просп": "пр-т",
    "проспект": "пр-т",
    "пер": "пер.",
    "переулок": "пер.",
    "ш": "ш.",
    "шоссе": "ш.",
    "б-р": "б-р",
    "бульвар": "б-р",
    "наб": "наб.",
    "набережная": "наб.",
    "пл": "пл.",
    "площадь": "пл.",
    "проезд": "проезд",
    "мкр": "мкр",
    "микрорайон": "мкр",
    "тупик": "туп.",
    "туп": "туп.",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, header): nothing is imported."""


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


class RowError(Exception):
    pass


# --- Reading a file -----------------------------------------------------------------------------


def read_table(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) of every non-empty data row of a CSV (`;` or `,`) or XLSX file.

    The first row is the header; line numbers are those a person sees in the file (header = 1).
    """
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(_("Cannot read the file: %(error)s") % {"error": error}) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    return _read_csv(text)


def _read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ImportFileError(_("The file is empty: the first line must name the columns."))
    names = [clean(name).strip() for name in header]
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        rows.append((reader.line_num, dict(zip(names, (v.strip() for v in values), strict=False))))
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            _("Cannot read the XLSX file: %(error)s") % {"error": error}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if not header or not any(header):
            raise ImportFileError(_("The file is empty: the first line must name the columns."))
        names = [clean(str(name or "")).strip() for name in header]
        rows = []
        for number, values in enumerate(lines, start=2):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                rows.append((number, dict(zip(names, cells, strict=False))))
        return rows
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _columns(rows: list[tuple[int, dict[str, str]]], spec: dict, required: set[str]):
    """Map the file's column names to ours; refuse a file missing a required column."""
    present = set(rows[0][1]) if rows else set()
    mapping = {}
    for name, aliases in spec.items():
        for alias in aliases:
            if alias in present:
                mapping[name] = alias
                break
    missing = sorted(required - set(mapping))
    if rows and missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return mapping


# --- Parsing values -----------------------------------------------------------------------------


class _Municipalities:
    def __init__(self) -> None:
        rows = list(Municipality.objects.all())
        self.by_oktmo = {m.oktmo: m for m in rows if m.oktmo}
        self.by_name: dict[str, list[Municipality]] = {}
        for municipality in rows:
            for name in {municipality.name, municipality.centre}:
                if name:
                    self.by_name.setdefault(clean(name), []).append(municipality)

    def get(self, value: str) -> Municipality:
        if not value:
            raise RowError(_("the municipality is empty"))
        if is_ascii_digits(value):
            found = self.by_oktmo.get(value) or self.by_oktmo.get(value.ljust(11, "0"))
            if found is None:
                found = next(
                    (m for k, m in self.by_oktmo.items() if k.rstrip("0") == value.rstrip("0")),
                    None,
                )
            if found is None:
                raise RowError(_("unknown OKTMO code «%(value)s»") % {"value": value})
            return found
        candidates = {m.pk: m for m in self.by_name.get(clean(value), [])}
        if not candidates:
            raise RowError(_("unknown municipality «%(value)s»") % {"value": value})
        if len(candidates) > 1:
            raise RowError(
                _("the municipality «%(value)s» is ambiguous: give its OKTMO code")
                % {"value": value}
            )
        return next(iter(candidates.values()))


def _settlement_kind(value: str) -> str:
    key = clean(value).strip().rstrip(".")
    if key not in SETTLEMENT_KINDS:
        raise RowError(_("unknown settlement kind «%(value)s»") % {"value": value})
    return SETTLEMENT_KINDS[key]


def _street_kind(value: str) -> str:
    key = clean(value).strip().rstrip(".")
    return STREET_KINDS.get(key, value.strip()[:20])


def _coordinate(value: str, *, limit: int, what: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise RowError(
            _("bad %(what)s «%(value)s»: a number from −%(limit)s to %(limit)s")
            % {"what": what, "value": value, "limit": limit}
        )
    return number.quantize(COORDINATE_STEP)


def _fias(value: str) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    if len(value) > 36:
        raise RowError(_("the FIAS/GAR id «%(value)s» is too long") % {"value": value})
    return value


def _date(value: str, *, default: date | None, what: str) -> date | None:
    if not value:
        return default
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            parsed = datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
        if EARLIEST_DATE <= parsed <= LATEST_DATE:
            return parsed
    raise RowError(
        _("bad %(what)s «%(value)s»: a date like 2026-01-31 or 31.01.2026")
        % {"what": what, "value": value}
    )


def _run(
    rows: list[tuple[int, dict[str, str]]],
    handle: Callable[[dict[str, str]], str],
    progress: Callable[[int, int], None] | None,
) -> ImportReport:
    report = ImportReport(lines=len(rows))
    for done, (line, row) in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                outcome = handle(row)
        except RowError as error:
            report.errors.append(_("line %(line)s: %(error)s") % {"line": line, "error": error})
        except IntegrityError:
            report.errors.append(
                _(
                    "line %(line)s: conflicts with another row of the registry (a repeated FIAS/GAR id?)"
                )
                % {"line": line}
            )
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress(done, len(rows))
    return report


# --- Addresses ----------------------------------------------------------------------------------


def import_addresses(
    *, rows: list[tuple[int, dict[str, str]]], progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Upsert the settlements, streets and houses of `rows` (from `read_table`).

    A house is found by its FIAS/GAR id, else by street, number and building; its coordinates and
    id are updated from the file. Returns counts and one error line per refused row.
    """
    columns = _columns(rows, ADDRESS_COLUMNS, {"municipality", "settlement", "street", "house"})
    municipalities = _Municipalities()
    settlements: dict[tuple, Settlement] = {}
    streets: dict[tuple, Street] = {}
    street_houses: dict[int, dict[tuple[str, str], House]] = {}

    def value(row, name):
        return row.get(columns.get(name, ""), "") or ""

    def settlement_of(municipality, name, kind, fias) -> Settlement:
        key = (municipality.pk, kind, clean(name))
        if key not in settlements:
            found = Settlement.objects.filter(
                municipality=municipality, kind=kind, name__iexact=name
            ).first()
            if found is None:
                found = Settlement.objects.create(
                    municipality=municipality, kind=kind, name=name, fias_id=fias
                )
            settlements[key] = found
        return settlements[key]

    def street_of(settlement, name, kind, fias) -> Street:
        key = (settlement.pk, kind, clean(name))
        if key not in streets:
            found = Street.objects.filter(
                settlement=settlement, kind=kind, name__iexact=name
            ).first()
            if found is None:
                found = Street.objects.create(
                    settlement=settlement, kind=kind, name=name, fias_id=fias
                )
            found.settlement = settlement
            streets[key] = found
        return streets[key]

    def handle(row: dict[str, str]) -> str:
        municipality = municipalities.get(value(row, "municipality"))
        settlement_name = value(row, "settlement")
        if not settlement_name:
            raise RowError(_("the settlement is empty"))
        street_name = value(row, "street")
        if not street_name:
            raise RowError(_("the street is empty"))
        number = value(row, "house")
        if not number:
            raise RowError(_("the house number is empty"))
        if len(number) > 20 or len(value(row, "building")) > 20:
            raise RowError(_("the house number or building is longer than 20 characters"))
        if len(settlement_name) > 200 or len(street_name) > 200:
            raise RowError(_("the settlement or street name is longer than 200 characters"))
        latitude = _coordinate(value(row, "lat"), limit=90, what=_("latitude"))
        longitude = _coordinate(value(row, "lon"), limit=180, what=_("longitude"))
        if (latitude is None) != (longitude is None):
            raise RowError(_("give both the latitude and the longitude, or neither"))
        fias = _fias(value(row, "fias_id"))
        settlement = settlement_of(
            municipality,
            settlement_name,
            _settlement_kind(value(row, "settlement_kind")),
            _fias(value(row, "settlement_fias_id")),
        )
        street = street_of(
            settlement,
            street_name,
            _street_kind(value(row, "street_kind")),
            _fias(value(row, "street_fias_id")),
        )
        return _upsert_house(
            street=street,
            number=number,
            building=value(row, "building"),
            fias=fias,
            latitude=latitude,
            longitude=longitude,
            known=street_houses,
        )

    return _run(rows, handle, progress)


def _upsert_house(*, street, number, building, fias, latitude, longitude, known) -> str:
    if street.pk not in known:
        known[street.pk] = {
            (clean(h.number), clean(h.building)): h for h in House.objects.filter(street=street)
        }
    houses = known[street.pk]
    house = House.objects.filter(fias_id=fias).first() if fias else None
    if house is None:
        house = houses.get((clean(number), clean(building)))
    if house is None:
        house = House(
            street=street,
            number=number,
            building=building,
            fias_id=fias,
            latitude=latitude,
            longitude=longitude,
        )
        house.search = house_search(
            settlement=street.settlement.name, street=street.name, number=number, building=building
        )
        House.objects.bulk_create([house])  # no save(): the street is at hand
        houses[(clean(number), clean(building))] = house
        return "created"
    wanted = {
        "street_id": street.pk,
        "number": number,
        "building": building,
        "fias_id": fias or house.fias_id,
        "latitude": latitude if latitude is not None else house.latitude,
        "longitude": longitude if longitude is not None else house.longitude,
        "search": house_search(
            settlement=street.settlement.name, street=street.name, number=number, building=building
        ),
    }
    changed = {name: new for name, new in wanted.items() if getattr(house, name) != new}
    if not changed:
        return "unchanged"
    House.objects.filter(pk=house.pk).update(**changed)
    for name, new in changed.items():
        setattr(house, name, new)
    houses[(clean(number), clean(building))] = house
    return "updated"


# --- Territories --------------------------------------------------------------------------------


def _service_kind(value: str) -> str:
    key = clean(value).strip()
    for kind in ServiceKind:
        if key in {kind.value, clean(str(kind.label))}:
            return kind.value
    raise RowError(
        _("unknown service «%(value)s»; one of: %(kinds)s")
        % {"value": value, "kinds": ", ".join(ServiceKind.values)}
    )


def _organization(value: str, cache: dict) -> Organization:
    if not value:
        raise RowError(_("the organization is empty"))
    if value not in cache:
        if is_ascii_digits(value):
            found = list(Organization.objects.filter(inn=value)[:2])
        else:
            found = list(Organization.objects.filter(slug=value)[:1]) or list(
                Organization.objects.filter(name__iexact=value)[:2]
            )
        cache[value] = found
    found = cache[value]
    if not found:
        raise RowError(_("unknown organization «%(value)s»") % {"value": value})
    if len(found) > 1:
        raise RowError(
            _("several organizations match «%(value)s»: give the slug") % {"value": value}
        )
    return found[0]


def import_territories(
    *, rows: list[tuple[int, dict[str, str]]], progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Upsert service territories: a house (by FIAS/GAR id) or an area (settlement or municipality).

    A territory is found by service, organization, place and start date; its end date is updated.
    """
    columns = _columns(rows, TERRITORY_COLUMNS, {"kind", "organization"})
    municipalities = _Municipalities()
    organizations: dict[str, list] = {}

    def value(row, name):
        return row.get(columns.get(name, ""), "") or ""

    def handle(row: dict[str, str]) -> str:
        kind = _service_kind(value(row, "kind"))
        organization = _organization(value(row, "organization"), organizations)
        place: dict = {"house": None, "settlement": None, "municipality": None}
        house_fias = _fias(value(row, "house_fias_id"))
        if house_fias:
            place["house"] = House.objects.filter(fias_id=house_fias).first()
            if place["house"] is None:
                raise RowError(
                    _("no house with the FIAS/GAR id «%(value)s»") % {"value": house_fias}
                )
        elif value(row, "municipality"):
            municipality = municipalities.get(value(row, "municipality"))
            if value(row, "settlement"):
                settlement = Settlement.objects.filter(
                    municipality=municipality, name__iexact=value(row, "settlement")
                )
                if value(row, "settlement_kind"):
                    settlement = settlement.filter(
                        kind=_settlement_kind(value(row, "settlement_kind"))
                    )
                settlement = settlement.first()
                if settlement is None:
                    raise RowError(
                        _("unknown settlement «%(value)s»") % {"value": value(row, "settlement")}
                    )
                place["settlement"] = settlement
            else:
                place["municipality"] = municipality
        else:
            raise RowError(_("give the house's FIAS/GAR id or the municipality (and settlement)"))
        valid_from = _date(
            value(row, "valid_from"), default=timezone.localdate(), what=_("start date")
        )
        valid_to = _date(value(row, "valid_to"), default=None, what=_("end date"))
        if valid_to is not None and valid_to < valid_from:
            raise RowError(_("the end date is before the start date"))
        territory, created = ServiceTerritory.objects.get_or_create(
            kind=kind,
            organization=organization,
            valid_from=valid_from,
            **place,
            defaults={"valid_to": valid_to},
        )
        if created:
            return "created"
        if territory.valid_to == valid_to:
            return "unchanged"
        ServiceTerritory.objects.filter(pk=territory.pk).update(valid_to=valid_to)
        return "updated"

    return _run(rows, handle, progress)


def bulk_create_registry(houses: Iterable[House], *, batch_size: int = 1000) -> int:
    """Insert new houses in batches (the demo registry); `search` is filled from their streets."""
    batch = []
    for house in houses:
        house.search = house_search(
            settlement=house.street.settlement.name,
            street=house.street.name,
            number=house.number,
            building=house.building,
        )
        batch.append(house)
    return len(House.objects.bulk_create(batch, batch_size=batch_size, ignore_conflicts=True))


def refresh_house_search(*, houses) -> int:
    """Recompute `House.search` of `houses` (a queryset) after a street or settlement is renamed."""
    changed = []
    for house in houses.select_related("street__settlement"):
        text = house.search_text()
        if text != house.search:
            house.search = text
            changed.append(house)
    House.objects.bulk_update(changed, ["search"], batch_size=1000)
    return len(changed)
