"""Officials on the pages: the head's list, the public page, «Кому адресовано», the complaint rule."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from organizations.models import Membership, Official
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture
def listed(world):
    """The world's organization lists its head (linked to their account) and a deputy."""
    head_membership = Membership.objects.get(user=world.head, organization=world.organization)
    head = Official.objects.create(
        organization=world.organization,
        name="Иванов Иван Иванович",
        position="глава администрации",
        membership=head_membership,
        order=1,
    )
    deputy = Official.objects.create(
        organization=world.organization,
        name="Петрова Мария Сергеевна",
        position="заместитель главы",
        order=2,
    )
    Official.objects.create(
        organization=world.organization, name="Уволен У. У.", position="бывший", is_active=False
    )
    return {"head": head, "deputy": deputy}


# --- the head keeps the list -------------------------------------------------------------------


def test_the_head_adds_an_official_without_javascript(client, world):
    client.force_login(world.head)
    page = client.get(reverse("staff:officials")).content.decode()
    assert "Должностные лица ещё не указаны" in page
    response = client.post(
        reverse("staff:officials"),
        {
            "organization": world.organization.pk,
            "name": "Иванов Иван Иванович",
            "position": "глава администрации",
            "membership": Membership.objects.get(user=world.head).pk,
            "order": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    official = Official.objects.get()
    assert official.membership.user == world.head
    page = client.get(reverse("staff:officials")).content.decode()
    assert "«Иванов Иван Иванович» сохранено." in page and "глава администрации" in page


def test_bad_input_comes_back_translated_with_everything_typed(client, world):
    client.force_login(world.head)
    foreign = MembershipFactory(organization=world.other_organization, user=UserFactory())
    for data, error in [
        ({"position": "глава администрации", "order": "1"}, "Обязательное поле."),
        (
            {"name": "Иванов И. И.", "position": "глава администрации", "order": "²"},
            "Введите целое число.",
        ),
        (
            {
                "name": "Иванов И. И.",
                "position": "глава администрации",
                "order": "1",
                "membership": foreign.pk,
            },
            "Выберите корректный вариант.",
        ),
    ]:
        response = client.post(
            reverse("staff:officials"), {"organization": world.organization.pk, **data}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert error in body, error
        assert "глава администрации" in body
        assert "Должностное лицо не сохранено" in body
    assert not Official.objects.exists()


def test_the_head_corrects_and_unlists_an_official(client, world, listed):
    client.force_login(world.head)
    url = reverse("staff:official_edit", args=[listed["deputy"].pk])
    assert "Петрова Мария Сергеевна" in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Петрова Мария Сергеевна", "position": "первый заместитель", "order": "2"}
    )
    assert response.status_code == 302
    listed["deputy"].refresh_from_db()
    assert listed["deputy"].position == "первый заместитель" and not listed["deputy"].is_active
    response = client.post(url, {"name": "", "position": "первый заместитель", "order": "2"})
    assert response.status_code == 400 and "первый заместитель" in response.content.decode()


def test_executors_and_other_heads_cannot_keep_the_list(client, world, listed):
    client.force_login(world.executor)
    assert client.get(reverse("staff:officials")).status_code == 403
    other_head = UserFactory()
    MembershipFactory(user=other_head, organization=world.other_organization, role="head")
    client.force_login(other_head)
    url = reverse("staff:official_edit", args=[listed["deputy"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Взлом", "position": "x", "order": "1"}).status_code == 404
    listed["deputy"].refresh_from_db()
    assert listed["deputy"].name == "Петрова Мария Сергеевна"


# --- the public page -------------------------------------------------------------------------


def test_the_public_page_lists_the_officials_in_order(client, world, listed):
    page = client.get(reverse("organizations:detail", args=[world.organization.slug]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index("Иванов Иван Иванович") < body.index("Петрова Мария Сергеевна")
    assert "заместитель главы" in body and "Уволен" not in body
    # no staff account data on a public page
    assert world.head.email not in body
    inactive = OrganizationFactory(region=world.region, is_active=False)
    assert client.get(reverse("organizations:detail", args=[inactive.slug])).status_code == 404


# --- «Кому адресовано» on the filing form --------------------------------------------------------


def test_without_javascript_the_form_shows_the_officials_once_the_organization_is_known(
    client, world, listed
):
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert "Кому адресовано" in page and "Иванов Иван Иванович" not in page
    data = filing_form(world, show_addressees="1", text="Снег во дворе не убирают.")
    response = client.post(reverse("appeals:new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Иванов Иван Иванович, глава администрации" in body
    assert "Петрова Мария Сергеевна, заместитель главы" in body
    assert "Уволен" not in body
    assert "Снег во дворе не убирают." in body  # nothing typed is lost
    assert "error-summary" not in body  # the short text is not an error yet
    assert not Appeal.objects.exists()
    response = client.post(
        reverse("appeals:new"), filing_form(world, addressee=str(listed["deputy"].pk))
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.addressee == listed["deputy"] and appeal.organization == world.organization
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Петрова Мария Сергеевна, заместитель главы" in page


def test_an_official_of_another_organization_is_refused_and_nothing_is_lost(client, world, listed):
    elsewhere = Official.objects.create(
        organization=world.other_organization, name="Чужой Ч. Ч.", position="министр"
    )
    client.force_login(world.citizen)
    for value in (str(elsewhere.pk), "²", "9" * 25, str(listed["head"].pk + 1000)):
        data = filing_form(world, addressee=value, text="Снег во дворе не убирают уже неделю.")
        response = client.post(reverse("appeals:new"), data)
        assert response.status_code == 400, value
        body = response.content.decode()
        assert "Выберите должностное лицо организации" in body
        assert "Снег во дворе не убирают уже неделю." in body
    assert not Appeal.objects.exists()


def test_htmx_refills_the_list_for_the_chosen_category_and_municipality(client, world, listed):
    client.force_login(world.citizen)
    url = reverse("appeals:addressee_options")
    response = client.get(
        url,
        {
            "category": world.category.pk,
            "municipality": world.municipality.pk,
            "addressee": listed["head"].pk,
        },
    )
    body = response.content.decode()
    assert f'<option value="{listed["head"].pk}" selected>Иванов Иван Иванович' in body
    assert "в целом" in body
    body = client.get(url, {"category": "²", "municipality": ""}).content.decode()
    assert "Иванов" not in body and "выберите категорию" in body


def test_staff_see_the_addressee_on_the_row_and_the_page(client, world, listed):
    appeal = world_appeal(world, S.REGISTERED, addressee=listed["deputy"])
    client.force_login(world.executor)
    row = client.get(reverse("staff:home")).content.decode()
    assert "кому: Петрова Мария Сергеевна" in row
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Петрова Мария Сергеевна, заместитель главы" in page


# --- a complaint about the official's actions -----------------------------------------------------


def test_the_official_complained_about_sees_why_and_cannot_take_it(client, world, listed):
    appeal = world_appeal(world, S.REGISTERED, executor=None, complained_official=listed["head"])
    client.force_login(world.head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Обращение содержит жалобу на ваши действия" in page
    assert "Взять в работу" not in page
    response = client.post(reverse("staff:take", args=[appeal.number]), follow=True)
    assert response.status_code == 200
    assert "не может рассматривать обращение" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.executor is None and appeal.status == S.REGISTERED
    # the executor is offered the appeal; the head is not in the assign list
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Взять в работу" in page


def test_assigning_it_to_them_is_refused_on_the_page(client, world, listed):
    appeal = world_appeal(world, S.REGISTERED, executor=None, complained_official=listed["head"])
    second_head = UserFactory(email="second.head@example.ru")
    MembershipFactory(user=second_head, organization=world.organization, role="head")
    client.force_login(second_head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert f'<option value="{world.head.pk}"' not in page
    response = client.post(
        reverse("staff:assign", args=[appeal.number]), {"executor": world.head.pk}
    )
    assert response.status_code == 400
    appeal.refresh_from_db()
    assert appeal.executor is None


def test_the_moderator_marks_the_complaint_on_the_review_page(client, world, listed):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.head)
    client.force_login(world.moderator)
    url = reverse("moderation:complained_official", args=[appeal.number])
    for bad in ("", "²", str(listed["head"].pk + 1000)):
        response = client.post(url, {"official": bad})
        assert response.status_code == 400, bad
        assert "Жалоба на действия должностного лица" in response.content.decode()
    response = client.post(url, {"official": listed["head"].pk})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.complained_official == listed["head"] and appeal.executor is None
    page = client.get(reverse("moderation:review", args=[appeal.number])).content.decode()
    assert "Обращение отмечено как жалоба" in page
