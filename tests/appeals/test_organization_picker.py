"""The organization picker's endpoints: matches of the form's own set, by name or INN, at most 20,
only for a user who may use the form; the pages keep the plain select for browsers without JS."""

import re

import pytest
from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.factories import make_appeal
from tests.organizations.factories import OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _appeal(world, status, **fields):
    fields.setdefault("organization", world.organization)
    return make_appeal(
        status,
        executor=world.executor,
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
        **fields,
    )


def _picked(response) -> list[str]:
    return re.findall(r'data-label="([^"]+)"', response.content.decode())


def test_redirect_options_match_by_name_or_inn_within_the_allowed_set(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    school = OrganizationFactory(region=world.region, name="Школа № 7 Елизово")
    OrganizationFactory(region=world.region, name="Школа закрытая", is_active=False)
    OrganizationFactory(
        region=RegionFactory(code="82", name="Республика Крым", timezone="Europe/Moscow"),
        name="Школа другого региона",
    )
    client.force_login(world.executor)
    url = reverse("staff:redirect_options", args=[appeal.number])

    assert _picked(client.get(url, {"q": "школа"})) == ["Школа № 7 Елизово"]
    assert _picked(client.get(url, {"q": school.inn})) == ["Школа № 7 Елизово"]
    by_name = client.get(url, {"q": world.organization.name})
    assert world.organization.name not in _picked(by_name)  # never back to where it is
    nothing = client.get(url, {"q": "нет такой"})
    assert "Подходящих организаций нет." in nothing.content.decode()


def test_at_most_20_options(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    OrganizationFactory.create_batch(25, region=world.region)
    client.force_login(world.executor)
    response = client.get(reverse("staff:redirect_options", args=[appeal.number]), {"q": ""})
    assert response.status_code == 200 and len(_picked(response)) == 20


def test_redirect_options_are_for_staff_who_may_redirect(client, world, other_executor):
    appeal = _appeal(world, S.IN_PROGRESS)
    url = reverse("staff:redirect_options", args=[appeal.number])
    client.force_login(other_executor)  # another organization: the appeal does not exist for them
    assert client.get(url, {"q": "а"}).status_code == 404
    client.force_login(world.citizen)
    assert client.get(url, {"q": "а"}).status_code == 403
    answered = _appeal(world, S.ANSWERED)
    client.force_login(world.executor)
    answered_url = reverse("staff:redirect_options", args=[answered.number])
    assert client.get(answered_url, {"q": "а"}).status_code == 404  # redirect no longer allowed


def test_malformed_search_is_a_400_not_a_500(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.executor)
    url = reverse("staff:redirect_options", args=[appeal.number])
    response = client.get(url, {"q": "школа\x00"})
    assert response.status_code == 400  # the malformed-input middleware's translated page
    assert "<h1>Неверный запрос</h1>" in response.content.decode()
    assert client.get(url, {"q": "ш" * 201}).status_code == 400


def test_registration_options_for_the_moderator_of_the_region(client, world):
    appeal = _appeal(world, S.SUBMITTED, organization=None)
    OrganizationFactory(
        region=RegionFactory(code="82", name="Республика Крым", timezone="Europe/Moscow"),
        name="Министерство чужого региона",
    )
    url = reverse("moderation:organization_options", args=[appeal.number])
    client.force_login(world.moderator)
    names = _picked(client.get(url, {"q": "министерство"}))
    assert names == ["Министерство транспорта и дорожного строительства"]
    client.force_login(world.executor)
    assert client.get(url, {"q": "министерство"}).status_code == 403


def test_pages_keep_the_plain_select_beside_the_search(client, world):
    appeal = _appeal(world, S.IN_PROGRESS)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert '<select name="organization"' in page and 'id="redirect_organization"' in page
    assert 'data-org-picker="redirect_organization" hidden' in page  # shown by JavaScript only
    assert "Найти организацию по названию или ИНН" in page
    submitted = _appeal(world, S.SUBMITTED, organization=None)
    client.force_login(world.moderator)
    page = client.get(reverse("moderation:review", args=[submitted.number])).content.decode()
    assert '<select name="organization"' in page and 'data-org-picker="id_organization"' in page
