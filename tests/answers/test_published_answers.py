"""Published answers to questions of general concern (issue 16): published without personal data,
suggested on the filing form by full-text search, linked from the answer to a later appeal."""

import pytest
from django.urls import reverse

from answers import selectors, services
from answers.models import PublishedAnswer, PublishedAnswerEvent
from answers.services import PersonalDataFound
from appeals.models import Appeal, Event
from appeals.services import answer_appeal
from core.errors import NotAllowed
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.factories import filing_form, world_appeal

pytestmark = pytest.mark.django_db
world = appeals_fixtures.world
other_executor = appeals_fixtures.other_executor
S = Appeal.Status

SNOW = dict(
    title="Когда вывезут снег с улиц города",
    question="Почему во дворах и на улицах не убирают снег после снегопада?",
    answer="Снег с улиц вывозится в течение трёх суток после окончания снегопада, дворы — за пять.",
)
BUS = dict(
    title="Расписание автобуса № 7",
    question="Почему изменилось расписание автобусного маршрута?",
    answer="Маршрут переведён на летнее расписание перевозчиком по договору.",
)


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


def _publish(world, **fields):
    return services.publish_answer(actor=world.executor, organization=world.organization, **fields)


def test_staff_publish_an_answer_and_the_public_finds_it(client, world):
    published = _publish(world, **SNOW)
    event = PublishedAnswerEvent.objects.get(published_answer=published)
    assert (event.action, event.actor) == ("publish", world.executor)

    page = client.get(reverse("answers:list"), {"q": "уборка снега"}).content.decode()
    assert SNOW["title"] in page
    detail = client.get(published.get_absolute_url()).content.decode()
    assert SNOW["answer"] in detail and world.organization.name in detail


def test_another_organization_may_not_publish_in_its_name(world, other_executor):
    with pytest.raises(NotAllowed):
        services.publish_answer(actor=other_executor, organization=world.organization, **SNOW)
    assert not PublishedAnswer.objects.exists()


def test_an_answer_made_from_an_appeal_is_refused_while_it_names_the_citizen(client, world):
    world.citizen.phone = "+7 914 123-45-67"
    world.citizen.save()
    appeal = world_appeal(world, S.ANSWERED)
    client.force_login(world.executor)
    url = reverse("answers_staff:new")

    form = client.get(url, {"appeal": appeal.number}).content.decode()
    assert 'id="personal-data-warning"' in form
    assert "Снег убран, территория обработана" in form  # prefilled with the appeal's answer

    typed = {
        "organization": world.organization.pk,
        "appeal": appeal.number,
        "title": "Уборка снега во дворах",
        "question": "Почему не убирают снег во дворе?",
        "answer": "Уважаемая Иванова Анна! Снег вывезут до пятницы. Телефон для справок 8 (914) 123 45 67.",
    }
    response = client.post(url, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"персональные данные гражданина по обращению {appeal.number}" in page
    assert "Снег вывезут до пятницы" in page  # what was typed is kept
    assert not PublishedAnswer.objects.exists()

    typed["answer"] = "Снег вывезут до пятницы. Справки по телефону диспетчерской службы."
    response = client.post(url, typed)
    assert response.status_code == 302
    published = PublishedAnswer.objects.get()
    assert published.source_appeal == appeal
    assert PublishedAnswerEvent.objects.get().data == {
        "organization": world.organization.pk,
        "appeal": appeal.pk,
    }


@pytest.mark.parametrize(
    "text",
    [
        "Ответ Ивановой по вашему вопросу",
        "Пишите на CITIZEN@example.ru",
        "Звоните +7(914)1234567",
    ],
)
def test_the_personal_data_check_finds_name_email_and_phone(world, text):
    world.citizen.phone = "+7 914 123-45-67"
    world.citizen.save()
    appeal = world_appeal(world, S.ANSWERED)
    with pytest.raises(PersonalDataFound):
        _publish(world, **{**SNOW, "answer": text}, source_appeal=appeal)


def test_the_filing_form_suggests_a_matching_answer_and_not_an_unrelated_one(client, world):
    snow = _publish(world, **SNOW)
    bus = _publish(world, **BUS)
    client.force_login(world.citizen)
    response = client.get(
        reverse("answers:matching"),
        {"text": "Во дворе не убран снег уже неделю"},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert snow.title in fragment and bus.title not in fragment

    # Without JavaScript: the form's button shows them and keeps everything typed.
    data = filing_form(world, text="Во дворе не убран снег уже неделю", find_answers="1")
    response = client.post(reverse("appeals:new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert snow.title in page and bus.title not in page
    assert "Во дворе не убран снег уже неделю" in page
    assert not Appeal.objects.exists()


def test_a_withdrawn_answer_is_not_suggested_nor_listed(client, world):
    published = _publish(world, **SNOW)
    services.withdraw_answer(actor=world.executor, answer_id=published.pk, reason="устарел")
    assert selectors.matching_answers(text="уборка снега", region_id=world.region.pk) == []
    assert SNOW["title"] not in client.get(reverse("answers:list")).content.decode()
    # Appeals answered with its link still reach it, marked as withdrawn.
    assert "отозвала этот ответ" in client.get(published.get_absolute_url()).content.decode()
    actions = list(published.events.values_list("action", flat=True))
    assert actions == ["publish", "withdraw"]


def test_an_answer_links_to_the_published_answer_and_its_event_names_it(client, world):
    published = _publish(world, **SNOW)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)

    chooser = client.get(reverse("answers_staff:for_appeal", args=[appeal.number]))
    assert SNOW["title"] in chooser.content.decode()
    page = client.get(
        reverse("staff:appeal", args=[appeal.number]), {"published_answer": published.pk}
    ).content.decode()
    link = f"/answers/{published.pk}/"
    assert link in page  # the answer form starts with the link and the answer

    answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text=selectors.link_text(published=published),
    )
    event = Event.objects.get(appeal=appeal, action=Event.Action.ANSWER)
    assert event.data["published_answer"] == published.pk
    assert link in appeal.answers.get().text


def test_an_answer_without_a_link_names_no_published_answer(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    assert "published_answer" not in Event.objects.get(appeal=appeal, action="answer").data


def test_editing_records_the_changed_fields_and_a_withdrawn_one_is_frozen(world):
    published = _publish(world, **SNOW)
    services.edit_answer(
        actor=world.executor, answer_id=published.pk, **{**SNOW, "title": "Вывоз снега"}
    )
    edit = published.events.get(action="edit")
    assert edit.data == {"changed": ["title"]}
    services.withdraw_answer(actor=world.executor, answer_id=published.pk)
    from core.errors import DomainError

    with pytest.raises(DomainError):
        services.edit_answer(actor=world.executor, answer_id=published.pk, **SNOW)


def test_the_organization_page_links_to_its_answers(client, world):
    page = client.get(reverse("organizations:detail", args=[world.organization.slug]))
    assert f"/answers/?organization={world.organization.slug}" in page.content.decode()
