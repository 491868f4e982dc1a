"""Copies on the pages: the moderator sends them, each body works on its part, the citizen sees one
appeal with its parts and every answer under its one number."""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture
def company(world):
    organization = OrganizationFactory(region=world.region, name="УК «Северная»")
    executor = UserFactory(email="company.executor@example.ru")
    MembershipFactory(user=executor, organization=organization, role=Membership.Role.EXECUTOR)
    organization.executor = executor
    return organization


def _sent(world, company) -> Appeal:
    appeal = world_appeal(world, S.SUBMITTED)
    return services.accept_appeal(
        moderator=world.moderator,
        appeal_id=appeal.pk,
        copies=[company, world.other_organization],
    )


def test_the_moderator_registers_with_copies_on_a_plain_form(client, world, company):
    appeal = world_appeal(world, S.SUBMITTED)
    client.force_login(world.moderator)
    page = client.get(reverse("moderation:review", args=[appeal.number])).content.decode()
    assert "Копии в другие организации по компетенции" in page
    response = client.post(
        reverse("moderation:accept", args=[appeal.number]),
        {
            "organization": world.organization.pk,
            "category": world.category.pk,
            "copies": [company.pk, world.other_organization.pk],
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED
    assert {c.organization for c in appeal.copies.all()} == {company, world.other_organization}


def test_a_refused_copy_keeps_the_choices_and_registers_nothing(client, world, company):
    appeal = world_appeal(world, S.SUBMITTED, complained_organization=company)
    client.force_login(world.moderator)
    url = reverse("moderation:accept", args=[appeal.number])
    data = {"organization": world.organization.pk, "category": world.category.pk}
    response = client.post(url, {**data, "copies": [world.organization.pk]})
    assert response.status_code == 400
    assert "ответственная организация: копия ей не нужна" in response.content.decode()
    response = client.post(url, {**data, "copies": [company.pk, world.other_organization.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Обращение содержит жалобу на «УК «Северная»», поэтому его нельзя" in body
    assert f'<option value="{world.other_organization.pk}" selected>' in body
    for bad in ("²", "9" * 25):
        assert client.post(url, {**data, "copies": [bad]}).status_code == 400
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED and not appeal.copies.exists()


def test_copies_from_the_moderation_page_of_a_registered_appeal(client, world, company):
    appeal = world_appeal(world, S.IN_PROGRESS)
    client.force_login(world.moderator)
    url = reverse("moderation:send_copies", args=[appeal.number])
    response = client.post(url, {"comment": "Вопрос о мусоре — к УК."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Выберите хотя бы одну организацию" in body and "Вопрос о мусоре — к УК." in body
    response = client.post(url, {"copies": [company.pk], "comment": "Вопрос о мусоре — к УК."})
    assert response.status_code == 302
    page = client.get(reverse("moderation:review", args=[appeal.number])).content.decode()
    assert f"Копии обращения {appeal.number} направлены: УК «Северная»." in page
    assert "Части обращения" in page and f"{appeal.number}-2" in page
    # again to the same body: refused with the reason, nothing more made
    response = client.post(url, {"copies": [company.pk]})
    assert response.status_code == 400
    assert "уже рассматривает это обращение" in response.content.decode()
    assert appeal.copies.count() == 1


def test_each_body_works_on_its_part_and_sees_only_where_the_others_stand(client, world, company):
    main = _sent(world, company)
    copy = main.copies.get(organization=company)
    client.force_login(company.executor)
    assert client.get(reverse("staff:appeal", args=[main.number])).status_code == 404
    page = client.get(reverse("staff:appeal", args=[copy.number])).content.decode()
    assert f"Копия обращения {main.number}" in page
    queue = client.get(reverse("staff:home")).content.decode()
    assert copy.number in queue and "· копия" in queue
    response = client.post(reverse("staff:take", args=[copy.number]))
    assert response.status_code == 302
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[main.number])).content.decode()
    assert "Части обращения" in page and "УК «Северная»" in page and "В работе" in page


def test_the_citizen_sees_one_appeal_its_parts_and_every_answer(client, world, company):
    main = _sent(world, company)
    copy = main.copies.get(organization=company)
    services.answer_appeal(
        actor=company.executor, appeal_id=copy.pk, text="Контейнеры вывезены, площадка убрана."
    )
    client.force_login(world.citizen)
    page = client.get(main.get_absolute_url()).content.decode()
    assert "Части обращения" in page
    assert "Ответ: УК «Северная»" in page and "Контейнеры вывезены, площадка убрана." in page
    assert "ещё на рассмотрении" in page  # the lead and the ministry have not answered
    assert "Ещё не все организации ответили" in page and "Оцените ответ" not in page
    listing = client.get(reverse("appeals:list")).content.decode()
    assert main.number in listing and copy.number not in listing
    part = client.get(copy.get_absolute_url()).content.decode()
    assert "Это часть обращения" in part and main.number in part
    response = client.post(
        reverse("appeals:rate", args=[copy.number]), {"score": "5", "solved": "yes"}
    )
    assert response.status_code == 400
    assert "ответы оцениваются, когда ответят все" in response.content.decode()


def test_once_every_part_is_answered_the_page_asks_for_the_rating(client, world, company):
    main = _sent(world, company)
    services.answer_appeal(actor=world.executor, appeal_id=main.pk, text="Снег убран.")
    for part in main.copies.all():
        executor = UserFactory()
        MembershipFactory(user=executor, organization=part.organization, role="executor")
        services.answer_appeal(actor=executor, appeal_id=part.pk, text="Ответ по части.")
    client.force_login(world.citizen)
    page = client.get(main.get_absolute_url()).content.decode()
    assert "ещё на рассмотрении" not in page and "Ещё не все организации ответили" not in page
    assert "Оцените ответ" in page
    assert "все организации ответили: гражданину направлен сводный ответ" in page
