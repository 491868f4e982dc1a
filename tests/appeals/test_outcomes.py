"""The result of the review an answer states: among those the appeal's regime allows."""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Event
from appeals.services import signing
from core.errors import DomainError
from regimes.models import RegimeVersion
from tests.appeals.factories import world_appeal
from tests.appeals.test_signing import signed_regime  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _message(world):
    """An appeal reviewed as a platform message, whose rules do not allow «supported»."""
    version = RegimeVersion.objects.filter(regime__code="message").latest("number")
    return world_appeal(world, S.IN_PROGRESS, executor=world.executor, regime_version=version)


def test_the_answer_states_a_result_the_citizen_reads(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Разъясняем порядок вывоза снега.", "outcome": "explained", "draft_key": ""},
    )
    assert response.status_code == 302
    answer = appeal.answers.get()
    assert answer.outcome == "explained"
    assert Event.objects.get(appeal=appeal, action=Event.Action.ANSWER).data["outcome"] == (
        "explained"
    )
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert "Результат рассмотрения:</strong> разъяснено" in page


def test_an_answer_without_a_result_comes_back_with_the_text_kept(client, world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Снег убран во дворе дома 12.", "draft_key": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Снег убран во дворе дома 12." in page
    assert page.index('for="answer_outcome"') < page.index("Обязательное поле.")
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and not appeal.answers.exists()


def test_the_form_offers_only_what_the_regime_allows_and_the_service_refuses_the_rest(
    client, world
):
    appeal = _message(world)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    form = page[page.index('id="answer_outcome"') :]
    form = form[: form.index("</select>")]
    assert 'value="measures_taken"' in form and 'value="explained"' in form
    assert 'value="supported"' not in form
    response = client.post(
        reverse("staff:answer", args=[appeal.number]),
        {"text": "Поддержано.", "outcome": "supported", "draft_key": ""},
    )
    assert response.status_code == 400
    assert "Поддержано." in response.content.decode()
    with pytest.raises(DomainError):
        services.answer_appeal(
            actor=world.executor, appeal_id=appeal.pk, text="Поддержано.", outcome="supported"
        )
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS


def test_the_signer_keeps_or_changes_the_result_the_executor_stated(world, signed_regime):  # noqa: F811
    appeal = world_appeal(world, S.SUBMITTED)
    appeal = services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    services.answer_appeal(
        actor=world.executor, appeal_id=appeal.pk, text="Убрано.", outcome="supported"
    )
    assert appeal.answer_drafts.get().outcome == "supported"
    signing.sign_answer(signer=world.head, appeal_id=appeal.pk, outcome="measures_taken")
    assert appeal.answers.get().outcome == "measures_taken"
