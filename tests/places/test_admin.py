import pytest
from django.urls import reverse

from places.models import ServiceTerritory
from tests.accounts.factories import UserFactory
from tests.places.factories import ServiceTerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(email="admin@example.ru", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["settlement", "street", "house", "serviceterritory"])
def test_the_registry_is_listed_searched_and_edited_in_the_admin(admin, house, company, model):
    ServiceTerritoryFactory(organization=company, house=house)
    listing = admin.get(reverse(f"admin:places_{model}_changelist"), {"q": "Ленинская"})
    assert listing.status_code == 200
    assert admin.get(reverse(f"admin:places_{model}_add")).status_code == 200


def test_an_end_before_the_start_is_refused_in_the_admin(admin, house, company):
    response = admin.post(
        reverse("admin:places_serviceterritory_add"),
        {
            "kind": "management_company",
            "organization": company.pk,
            "house": house.pk,
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Дата окончания не может быть раньше даты начала." in response.content.decode()
    assert not ServiceTerritory.objects.exists()


def test_a_territory_names_exactly_one_place_in_the_admin(admin, house, city, company):
    response = admin.post(
        reverse("admin:places_serviceterritory_add"),
        {
            "kind": "heat_supplier",
            "organization": company.pk,
            "house": house.pk,
            "settlement": city.pk,
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "Укажите ровно одно место" in response.content.decode()
    assert not ServiceTerritory.objects.exists()


def test_a_street_renamed_in_the_admin_is_found_by_its_new_name(admin, house, world):
    from places.selectors import match_house

    response = admin.post(
        reverse("admin:places_street_change", args=[house.street.pk]),
        {"settlement": house.street.settlement.pk, "name": "Ленинградская", "kind": "ул."},
    )
    assert response.status_code == 302
    assert match_house(text="Ленинградская 12", municipality_id=world.municipality.pk) == house
    assert match_house(text="Ленинская 12", municipality_id=world.municipality.pk) is None
