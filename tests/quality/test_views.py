"""The reviewer's pages and the staff appeal page under the quality gate."""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from appeals.services import citizen as citizen_services
from organizations.models import Membership
from quality.models import AnswerReview
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture
def held(world, reviewed_in_full):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    services.answer_appeal(
        actor=world.executor, appeal_id=appeal.pk, text="Ваше обращение рассмотрено."
    )
    return appeal


def test_the_moderator_returns_an_answer_and_the_executor_sees_why(client, world, held, criteria):
    client.force_login(world.moderator)
    queue = client.get(reverse("quality:queue"))
    assert queue.status_code == 200
    assert held.number in queue.content.decode()
    page = client.get(reverse("quality:review", args=[held.number]))
    assert "Ваше обращение рассмотрено." in page.content.decode()
    assert "Нет срока выполнения обещанных работ" in page.content.decode()

    response = client.post(
        reverse("quality:return", args=[held.number]),
        {
            "criteria": [criteria["formal-reply"].pk, criteria["no-completion-date"].pk],
            "comment": "Назовите дату уборки.",
        },
    )
    assert response.status_code == 302 and response.url == reverse("quality:queue")
    review = AnswerReview.objects.get()
    assert {c.code for c in review.criteria.all()} == {"formal-reply", "no-completion-date"}

    client.force_login(world.executor)
    staff_page = client.get(reverse("staff:appeal", args=[held.number])).content.decode()
    assert "Ответ возвращён на доработку по итогам проверки качества" in staff_page
    assert "Формальная отписка без ответа по существу" in staff_page
    assert "Назовите дату уборки." in staff_page
    assert "Направьте новую версию до" in staff_page
    assert f'action="/staff/appeals/{held.number}/answer/"' in staff_page  # the same form


def test_a_held_answer_shows_on_the_staff_page_without_the_answer_form(client, world, held):
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[held.number])).content.decode()
    assert "Ответ ждёт проверки качества" in page
    assert "Ваше обращение рассмотрено." in page
    assert f'action="/staff/appeals/{held.number}/answer/"' not in page


def test_no_criterion_is_a_translated_error_and_the_comment_stays(client, world, held):
    client.force_login(world.moderator)
    response = client.post(
        reverse("quality:return", args=[held.number]), {"comment": "Укажите срок работ."}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Выберите хотя бы один критерий, которому ответ не соответствует." in page
    assert "Укажите срок работ." in page
    assert not AnswerReview.objects.exists()
    response = client.post(
        reverse("quality:return", args=[held.number]), {"criteria": ["999999", "x"]}
    )
    assert response.status_code == 400
    assert "Выберите критерии из списка." in response.content.decode()


def test_the_moderator_releases_the_answer_to_the_citizen(client, world, held):
    client.force_login(world.moderator)
    response = client.post(reverse("quality:release", args=[held.number]), {"comment": ""})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == S.ANSWERED
    client.force_login(world.citizen)
    assert (
        "Ваше обращение рассмотрено."
        in client.get(reverse("appeals:detail", args=[held.number])).content.decode()
    )


def test_a_low_rated_answer_is_in_the_queue_and_found_formal(client, world, criteria):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Рассмотрено.")
    citizen_services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=1, solved=False)
    client.force_login(world.moderator)
    assert appeal.number in client.get(reverse("quality:queue")).content.decode()
    answer = appeal.answers.get()
    response = client.post(
        reverse("quality:formal", args=[appeal.number]),
        {"answer": answer.pk, "comment": "Отписка."},
    )
    assert response.status_code == 400
    assert "Отписка." in response.content.decode()
    response = client.post(
        reverse("quality:formal", args=[appeal.number]),
        {"answer": answer.pk, "criteria": [criteria["formal-reply"].pk]},
    )
    assert response.status_code == 302
    assert AnswerReview.objects.get().decision == "formal"
    assert (
        appeal.number
        not in client.get(reverse("quality:queue")).content.decode().split("rework-title")[0]
    )


@pytest.mark.parametrize("who", ["other_executor", "executor", "head", "citizen", "analyst"])
def test_staff_of_organizations_and_others_neither_see_the_queue_nor_review(
    client, world, held, criteria, other_executor, who
):
    person = {
        "other_executor": other_executor,
        "executor": world.executor,
        "head": world.head,
        "citizen": world.citizen,
    }.get(who)
    if person is None:
        person = UserFactory()
        MembershipFactory(
            user=person, organization=None, region=world.region, role=Membership.Role.ANALYST
        )
    client.force_login(person)
    assert client.get(reverse("quality:queue")).status_code == 403
    assert client.get(reverse("quality:review", args=[held.number])).status_code == 403
    response = client.post(
        reverse("quality:return", args=[held.number]),
        {"criteria": [criteria["formal-reply"].pk]},
    )
    assert response.status_code == 403
    assert client.post(reverse("quality:release", args=[held.number])).status_code == 403
    held.refresh_from_db()
    assert held.status == S.IN_PROGRESS and not AnswerReview.objects.exists()


def test_a_moderator_of_another_region_gets_a_404(client, world, held):
    elsewhere = UserFactory()
    MembershipFactory(
        user=elsewhere, organization=None, region=RegionFactory(code="25"), role="moderator"
    )
    client.force_login(elsewhere)
    assert held.number not in client.get(reverse("quality:queue")).content.decode()
    assert client.get(reverse("quality:review", args=[held.number])).status_code == 404
    assert client.post(reverse("quality:release", args=[held.number])).status_code == 404
