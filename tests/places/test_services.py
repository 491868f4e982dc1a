from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from organizations.models import ServiceKind
from places.models import House, ServiceTerritory, Settlement, Street
from places.services import ImportFileError, import_addresses, import_territories, read_table
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

HEADER = "municipality;settlement;settlement_kind;street;street_kind;house;building;fias_id;lat;lon"


def _csv(tmp_path, *lines, name="houses.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path):
    return import_addresses(rows=read_table(path))


def test_good_lines_are_imported_and_each_bad_one_is_reported_with_its_line(world, tmp_path):
    path = _csv(
        tmp_path,
        HEADER,
        f"{world.municipality.name};Петропавловск-Камчатский;город;Ленинская;ул.;12;;fias-1;53,01712;158,65050",
        f"{world.municipality.name};Петропавловск-Камчатский;г.;Карла Маркса;проспект;5;2;fias-2;53.05;158.64",
        "Несуществующий район;Посёлок;;Лесная;;1;;;;",
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;;;;;",
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;14;;;95;158.6",
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;16;;;53.0;",
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;18;;;;",
    )
    report = _import(path)
    assert report.lines == 7 and report.created == 3
    assert report.errors == [
        "строка 4: неизвестный муниципалитет «Несуществующий район»",
        "строка 5: не указан номер дома",
        "строка 6: неверная широта «95»: число от −90 до 90",
        "строка 7: укажите и широту, и долготу или ни одну из них",
    ]
    house = House.objects.get(fias_id="fias-1")
    assert house.street.name == "Ленинская" and house.street.kind == "ул."
    assert house.street.settlement.municipality == world.municipality
    assert (house.latitude, house.longitude) == (Decimal("53.01712"), Decimal("158.65050"))
    marx = House.objects.get(fias_id="fias-2")
    assert str(marx) == "г. Петропавловск-Камчатский, пр-т Карла Маркса, 5, корп. 2"


def test_a_re_import_changes_no_counts_and_updates_coordinates(world, tmp_path):
    first = _csv(
        tmp_path,
        HEADER,
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;12;;fias-1;53.01;158.65",
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;14;;;53.02;158.66",
    )
    assert _import(first).created == 2
    counts = (Settlement.objects.count(), Street.objects.count(), House.objects.count())

    again = _import(first)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])

    moved = _csv(
        tmp_path,
        HEADER,
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;12;;fias-1;53.03;158.67",
        f"{world.municipality.name};Петропавловск-Камчатский;;ленинская;;14;;;53.04;158.68",
        name="moved.csv",
    )
    report = _import(moved)
    assert (report.created, report.updated) == (0, 2)
    assert (Settlement.objects.count(), Street.objects.count(), House.objects.count()) == counts
    assert House.objects.get(fias_id="fias-1").latitude == Decimal("53.03000")
    assert House.objects.get(number="14").longitude == Decimal("158.68000")


def test_municipality_by_oktmo_code_and_comma_separated_file(world, tmp_path):
    world.municipality.oktmo = "30701000"
    world.municipality.save()
    path = _csv(
        tmp_path,
        "municipality,settlement,street,house",
        "30701000,Петропавловск-Камчатский,Океанская,3",
        "99999999,Петропавловск-Камчатский,Океанская,5",
    )
    report = _import(path)
    assert report.created == 1
    assert report.errors == ["строка 3: неизвестный код ОКТМО «99999999»"]


def test_xlsx_import(world, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["municipality", "settlement", "street", "street_kind", "house", "lat", "lon"])
    sheet.append(
        [world.municipality.name, "Петропавловск-Камчатский", "Победы", "пр-т", 7, 53.07, 158.62]
    )
    sheet.append(
        [world.municipality.name, "Петропавловск-Камчатский", "Победы", "пр-т", None, 53.07, 158.62]
    )
    path = tmp_path / "houses.xlsx"
    workbook.save(path)
    report = _import(path)
    assert report.created == 1 and report.errors == ["строка 3: не указан номер дома"]
    house = House.objects.get()
    assert house.number == "7" and house.short_label == "пр-т Победы, 7"
    assert house.latitude == Decimal("53.07000")


def test_a_file_without_the_required_columns_is_refused_as_a_whole(world, tmp_path):
    path = _csv(tmp_path, "town;road", "Елизово;Ленина")
    with pytest.raises(ImportFileError):
        _import(path)
    assert House.objects.count() == 0


def test_the_command_reports_progress_errors_and_totals(world, tmp_path, capsys):
    path = _csv(
        tmp_path,
        HEADER,
        f"{world.municipality.name};Петропавловск-Камчатский;;Ленинская;;12;;;;",
        "Нигде;Посёлок;;Лесная;;1;;;;",
    )
    call_command("import_addresses", str(path))
    out, err = capsys.readouterr()
    assert "2 из 2 строк" in err
    assert "строка 3: неизвестный муниципалитет «Нигде»" in err
    assert "создано: 1" in out and "с ошибками: 1" in out


def test_the_command_fails_when_nothing_could_be_imported(world, tmp_path):
    path = _csv(tmp_path, HEADER, "Нигде;Посёлок;;Лесная;;1;;;;")
    with pytest.raises(CommandError):
        call_command("import_addresses", str(path))


def test_territories_import_houses_and_areas_and_is_idempotent(world, house, city, tmp_path):
    company = OrganizationFactory(region=world.region, name="ООО «УК „Авача“»", slug="mc-avacha")
    supplier = OrganizationFactory(region=world.region, name="ПАО «Камчатскэнерго»")
    path = _csv(
        tmp_path,
        "kind;organization;house_fias_id;municipality;settlement;valid_from;valid_to",
        f"management_company;mc-avacha;{house.fias_id};;;2024-01-01;",
        f"heat_supplier;{supplier.inn};;{world.municipality.name};Петропавловск-Камчатский;01.01.2024;",
        f"waste_operator;ООО «Чистый город»;;{world.municipality.name};;;",
        f"water_supplier;{supplier.inn};no-such-house;;;;",
        f"gas_supplier;{supplier.inn};;{world.municipality.name};;2025-01-01;2024-01-01",
    )
    report = import_territories(rows=read_table(path))
    assert report.created == 2
    assert report.errors == [
        "строка 4: неизвестная организация «ООО «Чистый город»»",
        "строка 5: нет дома с идентификатором ФИАС/ГАР «no-such-house»",
        "строка 6: дата окончания раньше даты начала",
    ]
    assert ServiceTerritory.objects.get(house=house).organization == company
    heat = ServiceTerritory.objects.get(kind=ServiceKind.HEAT_SUPPLIER)
    assert heat.settlement == city and heat.valid_from == date(2024, 1, 1)

    ended = _csv(
        tmp_path,
        "kind;organization;house_fias_id;valid_from;valid_to",
        f"management_company;mc-avacha;{house.fias_id};2024-01-01;2025-06-30",
        name="ended.csv",
    )
    report = import_territories(rows=read_table(ended))
    assert (report.created, report.updated) == (0, 1)
    assert ServiceTerritory.objects.count() == 2
    assert ServiceTerritory.objects.get(house=house).valid_to == date(2025, 6, 30)
