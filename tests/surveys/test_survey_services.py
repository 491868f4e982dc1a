from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent
from core.models import Notification
from core.outbox import render
from surveys import selectors, services
from surveys.errors import AlreadyTookPart, DomainError, InvalidAnswers
from surveys.models import Question, Response, Subscription, Survey
from surveys.tasks import announce_published_task
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.surveys.factories import OptionFactory, QuestionFactory, SurveyFactory, make_survey

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _window(days_from=-1, days_to=7):
    return {
        "opens_at": timezone.now() + timedelta(days=days_from),
        "closes_at": timezone.now() + timedelta(days=days_to),
    }


def _choice(survey, index=0):
    question = survey.questions.get()
    return {question.pk: [list(question.options.all())[index].pk]}


# --- Preparing and publishing -----------------------------------------------------------------------


def test_head_creates_a_draft_that_only_organizers_see(head, organization, resident):
    survey = services.create_survey(
        actor=head, organization=organization, kind="poll", title=" Дороги ", **_window()
    )
    assert (
        survey.title == "Дороги"
        and survey.published_at is None
        and survey.region == organization.region
    )
    assert AuditEvent.objects.filter(action="survey.create", actor=head).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.get_survey(user=resident, pk=survey.pk)
    assert selectors.get_survey(user=head, pk=survey.pk) == survey


def test_creation_refusals(head, organization, region):
    with pytest.raises(DomainError, match="Время окончания должно быть позже времени начала."):
        services.create_survey(
            actor=head,
            organization=organization,
            kind="poll",
            title="x",
            opens_at=NOW,
            closes_at=NOW,
        )
    with pytest.raises(
        DomainError, match="Результаты голосования показываются только после его завершения."
    ):
        services.create_survey(
            actor=head,
            organization=organization,
            kind="vote",
            title="x",
            results_visibility="live",
            **_window(),
        )
    with pytest.raises(
        DomainError,
        match="Выберите хотя бы одно муниципальное образование или проведите опрос по всему региону.",
    ):
        services.create_survey(
            actor=head,
            organization=organization,
            kind="poll",
            title="x",
            audience="municipalities",
            municipalities=[],
            **_window(),
        )
    other = OrganizationFactory(region=region)
    with pytest.raises(DomainError, match="только от имени организаций, которыми вы руководите."):
        services.create_survey(actor=head, organization=other, kind="poll", title="x", **_window())


def test_an_executor_is_not_an_organizer(executor, organization):
    with pytest.raises(DomainError):
        services.create_survey(
            actor=executor, organization=organization, kind="poll", title="x", **_window()
        )


def test_vote_with_live_results_is_impossible_even_in_the_database(organization):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyFactory(organization=organization, kind="vote", results_visibility="live")


def test_publish_needs_questions_with_two_options(head, organization):
    survey = SurveyFactory(organization=organization, published_at=None)
    with pytest.raises(DomainError, match="Перед публикацией добавьте хотя бы один вопрос."):
        services.publish_survey(actor=head, survey_id=survey.pk)
    question = services.add_question(
        actor=head, survey_id=survey.pk, text="Где?", kind="single", options=["Здесь"]
    )
    with pytest.raises(DomainError, match="должно быть не менее двух вариантов ответа."):
        services.publish_survey(actor=head, survey_id=survey.pk)
    services.add_option(
        actor=head, question_id=question.pk, text="Там", description="Набережная у моря"
    )
    published = services.publish_survey(actor=head, survey_id=survey.pk)
    assert published.published_at is not None
    assert AuditEvent.objects.filter(action="survey.publish").count() == 1


def test_publish_refuses_a_period_already_over(head, organization):
    survey = make_survey(organization=organization, published_at=None)
    with (
        time_machine.travel(survey.closes_at + timedelta(minutes=1)),
        pytest.raises(
            DomainError,
            match="Время окончания уже прошло: перед публикацией установите новый период.",
        ),
    ):
        services.publish_survey(actor=head, survey_id=survey.pk)


def test_publishing_notifies_only_subscribed_residents_of_the_audience(
    head, organization, municipality, other_municipality
):
    subscribed = UserFactory(municipality=municipality)
    Subscription.objects.create(user=subscribed, new_in_municipality=True)
    elsewhere = UserFactory(municipality=other_municipality)
    Subscription.objects.create(user=elsewhere, new_in_municipality=True)
    UserFactory(municipality=municipality)  # not subscribed: nothing is sent without opt-in
    survey = make_survey(organization=organization, published_at=None, audience="municipalities")
    survey.municipalities.set([municipality])
    services.publish_survey(actor=head, survey_id=survey.pk)
    assert (
        not Notification.objects.exists()
    )  # the announcement sweep tells them, not the publishing request
    assert announce_published_task() == 1
    assert announce_published_task() == 0  # run twice: announced once
    notified = set(
        Notification.objects.filter(template="survey_published").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {subscribed.pk}
    in_app = Notification.objects.get(recipient=subscribed, channel="in_app")
    assert in_app.context["url"] == f"/surveys/{survey.pk}/"
    subject, body = render(Notification.objects.get(recipient=subscribed, channel="email"))
    assert survey.title in subject and f"/surveys/{survey.pk}/" in body


def test_items_closed_before_the_sweep_are_not_announced(organization, municipality):
    Subscription.objects.create(
        user=UserFactory(municipality=municipality), new_in_municipality=True
    )
    make_survey(
        organization=organization,
        opens_at=timezone.now() - timedelta(days=9),
        closes_at=timezone.now() - timedelta(days=1),
    )
    assert announce_published_task() == 0 and not Notification.objects.exists()


def test_question_and_options_freeze_after_the_first_response(head, organization, resident):
    survey = make_survey(organization=organization)
    question = survey.questions.get()
    services.submit_response(citizen=resident, survey_id=survey.pk, answers=_choice(survey))
    with pytest.raises(
        DomainError,
        match="Вопросы и варианты ответа больше нельзя изменить: участники уже ответили.",
    ):
        services.add_question(actor=head, survey_id=survey.pk, text="Ещё?", kind="text")
    with pytest.raises(
        DomainError,
        match="Вопросы и варианты ответа больше нельзя изменить: участники уже ответили.",
    ):
        services.add_option(actor=head, question_id=question.pk, text="Ещё")
    with pytest.raises(
        DomainError,
        match="Вопросы и варианты ответа больше нельзя изменить: участники уже ответили.",
    ):
        services.delete_question(actor=head, question_id=question.pk)
    with pytest.raises(
        DomainError,
        match="Вопросы и варианты ответа больше нельзя изменить: участники уже ответили.",
    ):
        services.delete_option(actor=head, option_id=question.options.first().pk)
    with pytest.raises(
        DomainError, match="После получения первого ответа изменить анонимность нельзя."
    ):
        services.update_survey(actor=head, survey_id=survey.pk, is_anonymous=False)
    assert (
        services.update_survey(actor=head, survey_id=survey.pk, title="Новое название").title
        == "Новое название"
    )


def test_option_picture_is_reencoded_without_metadata(head, organization):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    survey = SurveyFactory(organization=organization, published_at=None)
    question = services.add_question(actor=head, survey_id=survey.pk, text="Где?", kind="single")
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret camera"
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("park.jpg", buffer.getvalue(), content_type="image/jpeg")
    option = services.add_option(actor=head, question_id=question.pk, text="Парк", image=upload)
    data = option.image.read()
    assert data.startswith(b"\xff\xd8") and b"Secret camera" not in data
    assert option.image_alt == "Парк"
    pdf = SimpleUploadedFile("x.jpg", b"%PDF-1.4 fake", content_type="image/jpeg")
    with pytest.raises(DomainError, match="не является изображением JPEG или PNG."):
        services.add_option(actor=head, question_id=question.pk, text="Файл", image=pdf)


# --- Taking part ------------------------------------------------------------------------------------


def test_resident_answers_every_kind_of_question(resident, organization):
    survey = SurveyFactory(organization=organization)
    single = QuestionFactory(survey=survey, kind="single")
    _first, b = OptionFactory(question=single), OptionFactory(question=single)
    multiple = QuestionFactory(survey=survey, kind="multiple", max_choices=2)
    m1, m2, m3 = (OptionFactory(question=multiple) for _ in range(3))
    scale = QuestionFactory(survey=survey, kind="scale", scale_min=1, scale_max=5)
    text = QuestionFactory(survey=survey, kind="text", is_required=False)
    response = services.submit_response(
        citizen=resident,
        survey_id=survey.pk,
        answers={
            single.pk: [b.pk],
            multiple.pk: [m1.pk, m3.pk],
            scale.pk: 4,
            text.pk: "  Больше урн  ",
        },
    )
    assert {(x.question_id, x.option_id, x.value, x.text) for x in response.answers.all()} == {
        (single.pk, b.pk, None, ""),
        (multiple.pk, m1.pk, None, ""),
        (multiple.pk, m3.pk, None, ""),
        (scale.pk, None, 4, ""),
        (text.pk, None, None, "Больше урн"),
    }
    audit = AuditEvent.objects.get(action="poll.respond")
    assert audit.changes == {"survey": survey.pk}  # who took part, never what they answered


def test_invalid_answers_are_explained_per_question(resident, organization):
    survey = SurveyFactory(organization=organization)
    single = QuestionFactory(survey=survey, kind="single")
    OptionFactory(question=single)
    multiple = QuestionFactory(survey=survey, kind="multiple", max_choices=1)
    m1, m2 = OptionFactory(question=multiple), OptionFactory(question=multiple)
    scale = QuestionFactory(survey=survey, kind="scale")
    text = QuestionFactory(survey=survey, kind="text")
    with pytest.raises(InvalidAnswers) as caught:
        services.submit_response(
            citizen=resident,
            survey_id=survey.pk,
            answers={single.pk: [999999], multiple.pk: [m1.pk, m2.pk], scale.pk: 9, text.pk: " "},
        )
    assert set(caught.value.errors) == {single.pk, multiple.pk, scale.pk, text.pk}
    assert (
        str(caught.value.errors[multiple.pk])
        == "Слишком много вариантов: можно выбрать не более 1."
    )
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "moment, message",
    [("before", "Принять участие можно будет с "), ("after", "Участие завершилось ")],
)
def test_outside_the_period_is_refused(resident, organization, moment, message):
    survey = make_survey(organization=organization)
    when = survey.opens_at - timedelta(minutes=1) if moment == "before" else survey.closes_at
    with time_machine.travel(when), pytest.raises(DomainError, match=message):
        services.submit_response(citizen=resident, survey_id=survey.pk, answers=_choice(survey))


def test_draft_is_refused(resident, organization):
    survey = make_survey(organization=organization, published_at=None)
    with pytest.raises(DomainError, match="Этот опрос или голосование ещё не опубликованы."):
        services.submit_response(citizen=resident, survey_id=survey.pk, answers=_choice(survey))


def test_outside_the_audience_is_refused_with_the_reason(
    resident, organization, other_municipality
):
    survey = make_survey(organization=organization, audience="municipalities")
    survey.municipalities.set([other_municipality])
    with pytest.raises(DomainError, match="Елизовский"):
        services.submit_response(citizen=resident, survey_id=survey.pk, answers=_choice(survey))


def test_resident_without_municipality_is_told_to_fill_the_profile(citizen, organization):
    survey = make_survey(organization=organization)
    with pytest.raises(
        DomainError, match="Укажите в профиле муниципальное образование, в котором вы проживаете"
    ):
        services.submit_response(citizen=citizen, survey_id=survey.pk, answers=_choice(survey))


def test_resident_of_another_region_is_refused(organization):
    from tests.organizations.factories import MunicipalityFactory, RegionFactory

    stranger = UserFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="25", name="Приморский край"))
    )
    survey = make_survey(organization=organization)
    with pytest.raises(DomainError, match="Участвовать могут только жители региона: "):
        services.submit_response(citizen=stranger, survey_id=survey.pk, answers=_choice(survey))


def test_unconfirmed_email_is_refused(municipality, organization):
    unconfirmed = UserFactory(municipality=municipality, verified=False)
    survey = make_survey(organization=organization)
    with pytest.raises(
        DomainError, match="Чтобы принять участие, подтвердите адрес электронной почты"
    ):
        services.submit_response(citizen=unconfirmed, survey_id=survey.pk, answers=_choice(survey))


def test_identity_verification_required_for_some_votes(resident, organization):
    survey = make_survey(organization=organization, kind="vote", eligibility="identity")
    with pytest.raises(
        DomainError, match="могут участвовать только жители, подтвердившие личность через Госуслуги"
    ):
        services.submit_response(citizen=resident, survey_id=survey.pk, answers=_choice(survey))
    resident.identity_verified_at = timezone.now()
    resident.save()
    assert services.cast_vote(citizen=resident, survey_id=survey.pk, answers=_choice(survey)).pk


def test_second_response_is_already_taken_part(resident, organization):
    survey = make_survey(organization=organization, kind="vote")
    services.cast_vote(citizen=resident, survey_id=survey.pk, answers=_choice(survey, 0))
    with pytest.raises(AlreadyTookPart):
        services.cast_vote(citizen=resident, survey_id=survey.pk, answers=_choice(survey, 1))
    assert Response.objects.filter(survey=survey).count() == 1


def test_race_lost_at_the_constraint_is_friendly_and_keeps_the_outer_transaction(
    resident, organization, monkeypatch
):
    """Both submits passed the checks: the unique constraint decides, inside a savepoint."""
    survey = make_survey(organization=organization, kind="vote")
    Response.objects.create(survey=survey, citizen=resident)  # the other request won a moment ago
    monkeypatch.setattr(selectors, "participation_refusal", lambda **kwargs: None)
    with transaction.atomic():
        with pytest.raises(AlreadyTookPart):
            services.cast_vote(citizen=resident, survey_id=survey.pk, answers=_choice(survey))
        assert (
            Response.objects.filter(survey=survey).count() == 1
        )  # the transaction is still usable


# --- Results ----------------------------------------------------------------------------------------


def test_vote_results_are_sealed_for_everyone_until_it_closes(
    head, organization, resident, platform_admin
):
    survey = make_survey(organization=organization, kind="vote")
    services.cast_vote(citizen=resident, survey_id=survey.pk, answers=_choice(survey))
    for person in (resident, head, platform_admin):
        assert not selectors.results_visible(user=person, survey=survey)
    with time_machine.travel(survey.closes_at + timedelta(seconds=1)):
        assert selectors.results_visible(user=resident, survey=survey)
        counts = selectors.tally(survey=survey)["questions"][0]["counts"]
        assert counts == [("Сквер на Ленинской", 1), ("Парк Победы", 0), ("Набережная", 0)]


def test_poll_results_live_or_after_close(head, organization, resident):
    live = make_survey(organization=organization, results_visibility="live")
    later = make_survey(organization=organization, results_visibility="after_close")
    assert selectors.results_visible(user=resident, survey=live)
    assert not selectors.results_visible(user=resident, survey=later)
    assert selectors.results_visible(user=head, survey=later)  # organizers of a poll follow it


def test_export_never_names_respondents_of_an_anonymous_survey(head, organization, resident):
    survey = make_survey(organization=organization, is_anonymous=True)
    free = QuestionFactory(survey=survey, kind="text", text="Что ещё?", is_required=False)
    single = survey.questions.get(kind="single")
    answers = {single.pk: [single.options.all()[1].pk], free.pk: '=HYPERLINK("x")'}
    services.submit_response(citizen=resident, survey_id=survey.pk, answers=answers)
    header = selectors.export_header(survey=survey)
    rows = list(selectors.export_rows(survey=survey))
    assert header == ["№", "Какое место благоустроить первым?", "Что ещё?"]
    assert rows == [[1, "Парк Победы", '=HYPERLINK("x")']]
    survey.is_anonymous = False
    survey.save()
    named = list(selectors.export_rows(survey=survey))[0]
    assert resident.email in named


def test_question_kinds_have_labels():
    assert set(Question.Kind.values) == {"single", "multiple", "scale", "text"}
    assert Survey.Kind.VOTE.label == "голосование"


def test_other_organizations_head_cannot_touch_the_survey(organization, region):
    survey = make_survey(organization=organization, published_at=None)
    stranger = UserFactory()
    MembershipFactory(user=stranger, organization=OrganizationFactory(region=region), role="head")
    with pytest.raises(
        DomainError, match="Вносить изменения могут только организаторы от этой организации."
    ):
        services.publish_survey(actor=stranger, survey_id=survey.pk)
    with pytest.raises(
        DomainError, match="Вносить изменения могут только организаторы от этой организации."
    ):
        services.add_question(actor=stranger, survey_id=survey.pk, text="x", kind="text")
