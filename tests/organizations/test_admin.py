import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Membership, Organization
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoutingRuleFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["region", "municipality", "organization", "category", "routingrule", "membership"]


@pytest.fixture
def admin_client(client, platform_admin):
    client.force_login(platform_admin)
    return client


@pytest.fixture
def catalogue(region, organization):
    municipality = MunicipalityFactory(region=region, name="Мильковский муниципальный округ")
    rule = RoutingRuleFactory(organization=organization, municipality=municipality)
    CategoryFactory(parent=rule.category.parent)
    return rule


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_search_and_add_forms_open(admin_client, catalogue, model):
    changelist = reverse(f"admin:organizations_{model}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "Мильков"}).status_code == 200
    assert admin_client.get(reverse(f"admin:organizations_{model}_add")).status_code == 200


def test_organization_search_finds_by_inn(admin_client, organization):
    OrganizationFactory(region=organization.region, name="МБОУ «Средняя школа № 3»")
    response = admin_client.get(
        reverse("admin:organizations_organization_changelist"), {"q": organization.inn}
    )
    assert list(response.context["cl"].result_list) == [organization]


def test_organization_list_costs_the_same_for_5_or_50_rows(admin_client, region):
    url = reverse("admin:organizations_organization_changelist")
    OrganizationFactory.create_batch(5, region=region)
    admin_client.get(url)  # a warm process: the layout's data is cached
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    OrganizationFactory.create_batch(45, region=region)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


def test_admin_refuses_an_organization_with_a_wrong_inn_and_keeps_the_form(admin_client, region):
    response = admin_client.post(
        reverse("admin:organizations_organization_add"),
        {
            "name": "ООО «УК Авача»",
            "short_name": "УК Авача",
            "slug": "uk-avacha",
            "kind": Organization.Kind.MANAGEMENT_COMPANY,
            "region": region.pk,
            "is_active": "on",
            "inn": "7707083894",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Неверная контрольная цифра ИНН: проверьте номер." in response.content.decode()
    assert 'value="ООО «УК Авача»"' in response.content.decode()
    assert not Organization.objects.filter(slug="uk-avacha").exists()


def test_admin_grants_a_regional_role(admin_client, region, citizen):
    response = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": citizen.pk, "role": Membership.Role.MODERATOR, "region": region.pk},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=citizen).region == region


def test_admin_explains_a_role_without_its_scope(admin_client, citizen):
    response = admin_client.post(
        reverse("admin:organizations_membership_add"),
        {"user": citizen.pk, "role": Membership.Role.HEAD},
    )
    assert response.status_code == 200
    assert not Membership.objects.exists()


def test_staff_without_superuser_cannot_open_the_admin(client, head):
    client.force_login(head)
    assert client.get(reverse("admin:index")).status_code == 302
