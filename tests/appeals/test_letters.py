"""The answer as a printable letter, and the posting of a paper letter's answer."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from appeals import services
from appeals.models import Appeal, Event
from core.errors import DomainError
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _text(response) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def _answered(world, **fields):
    world.citizen.postal_address = "683000, г. Петропавловск-Камчатский, ул. Ленинская, д. 1, кв. 5"
    world.citizen.save()
    world.organization.address = "683000, г. Петропавловск-Камчатский, ул. Ленинская, 14"
    world.organization.save()
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor, **fields)
    return services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text="Снег во дворе убран 5 марта.",
        outcome="measures_taken",
    )


def test_the_citizen_prints_the_answer_with_the_organizations_details(client, world):
    appeal = _answered(world)
    answer = appeal.answers.get()
    client.force_login(world.citizen)
    page = client.get(appeal.get_absolute_url()).content.decode()
    url = reverse("appeals:answer_letter", args=[appeal.number, answer.pk])
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = _text(response)
    for expected in (
        world.organization.name.split()[0],
        "ИНН " + world.organization.inn,
        "Иванова Анна",
        "ул. Ленинская, д. 1, кв. 5",
        f"Ответ на ваше обращение № {appeal.number}",
        "Снег во дворе убран 5 марта.",
        "Результат рассмотрения: поддержано, меры приняты.",
        world.executor.get_initials_name(),
    ):
        assert expected in text, expected


def test_another_answer_id_or_another_citizen_is_not_found(client, world):
    from tests.accounts.factories import UserFactory

    appeal = _answered(world)
    answer = appeal.answers.get()
    client.force_login(world.citizen)
    assert (
        client.get(reverse("appeals:answer_letter", args=[appeal.number, 999999])).status_code
        == 404
    )
    client.force_login(UserFactory())
    url = reverse("appeals:answer_letter", args=[appeal.number, answer.pk])
    assert client.get(url).status_code == 404


def test_staff_record_the_posting_of_a_paper_letters_answer(client, world):
    appeal = _answered(world, channel=Appeal.Channel.PAPER)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Печатная форма письма (PDF)" in page and "Отметить отправку" in page
    letter = client.get(
        reverse("staff:answer_letter", args=[appeal.number, appeal.answers.get().pk])
    )
    assert "Снег во дворе убран" in _text(letter)

    url = reverse("staff:record_posting", args=[appeal.number])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(url, {"posted_on": tomorrow, "tracking": "68300012345678"})
    assert refused.status_code == 400
    assert "68300012345678" in refused.content.decode()  # what was typed stays
    today = timezone.localdate()
    response = client.post(url, {"posted_on": today.isoformat(), "tracking": "68300012345678"})
    assert response.status_code == 302
    answer = appeal.answers.get()
    assert answer.posted_on == today and answer.post_tracking == "68300012345678"
    event = appeal.events.get(action=Event.Action.POST_ANSWER)
    assert event.is_public and event.comment == "68300012345678"
    client.force_login(world.citizen)
    assert "отправлен почтой" in client.get(appeal.get_absolute_url()).content.decode()


def test_no_posting_before_the_answer(world):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    with pytest.raises(DomainError):
        services.work.record_posting(
            actor=world.executor, appeal_id=appeal.pk, posted_on=timezone.localdate()
        )


# --- the answer by e-mail, when asked for and allowed --------------------------------------------


def _answered_by_mail(world, *, asked: bool):
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor, answer_by_email=asked)
    services.answer_appeal(
        actor=world.executor, appeal_id=appeal.pk, text="Снег во дворе убран 5 марта."
    )
    from core.models import Notification

    return Notification.objects.get(appeal=appeal, template="answered", channel="email")


def test_the_text_of_the_answer_is_e_mailed_only_when_asked_for(world):
    assert "answer_text" not in _answered_by_mail(world, asked=False).context
    assert _answered_by_mail(world, asked=True).context["answer_text"].startswith("Снег")


def test_only_to_the_allowed_mail_domains(world, settings):
    settings.ANSWER_EMAIL_DOMAINS = ["kamgov.ru", "mail.ru"]
    assert world.citizen.email.endswith("@example.ru")
    assert "answer_text" not in _answered_by_mail(world, asked=True).context
    world.citizen.email = "anna@sub.mail.ru"
    world.citizen.save()
    assert "answer_text" in _answered_by_mail(world, asked=True).context


def test_the_filing_form_says_when_the_domain_is_not_allowed(client, world, settings):
    from tests.appeals.factories import filing_form

    settings.PLATFORM_REGION_CODE = world.region.code
    settings.ANSWER_EMAIL_DOMAINS = ["kamgov.ru"]
    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert "kamgov.ru" in page
    response = client.post(reverse("appeals:new"), filing_form(world, answer_by_email="on"))
    assert response.status_code == 400
    assert "нельзя отправить на citizen@example.ru" in response.content.decode()
    response = client.post(reverse("appeals:new"), filing_form(world))
    assert response.status_code == 302
    assert Appeal.objects.get().answer_by_email is False
