import io
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from surveys.models import Comment, Discussion, Response, Survey
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.surveys.factories import (
    CommentFactory,
    DiscussionFactory,
    QuestionFactory,
    SectionFactory,
    make_survey,
)

pytestmark = pytest.mark.django_db


def _vote(survey, index=0):
    question = survey.questions.get()
    return {f"q{question.pk}": str(list(question.options.all())[index].pk)}


def test_lists_show_published_items_local_ones_first(
    client, resident, organization, municipality, other_municipality, django_assert_max_num_queries
):
    regional = make_survey(organization=organization, title="Для всего края")
    local = make_survey(
        organization=organization, title="Для нашего округа", audience="municipalities"
    )
    local.municipalities.set([municipality])
    elsewhere = make_survey(
        organization=organization, title="Для Елизово", audience="municipalities"
    )
    elsewhere.municipalities.set([other_municipality])
    make_survey(organization=organization, title="Черновик", published_at=None)
    finished = make_survey(
        organization=organization,
        title="Прошедший",
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(resident)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:list")).content.decode()
    assert page.index(local.title) < page.index(regional.title) < page.index(finished.title)
    assert "Для Елизово" not in page and "Черновик" not in page
    assert "в вашем муниципальном образовании" in page
    anonymous = client.__class__().get(reverse("surveys:list"))
    assert anonymous.status_code == 200 and "Для Елизово" in anonymous.content.decode()


def test_anonymous_visitor_sees_why_they_cannot_take_part(client, organization):
    survey = make_survey(organization=organization)
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "Войдите, чтобы принять участие." in page and "Сквер на Ленинской" in page


def test_citizen_outside_the_audience_sees_why(client, resident, organization, other_municipality):
    survey = make_survey(organization=organization, audience="municipalities")
    survey.municipalities.set([other_municipality])
    client.force_login(resident)
    page = client.get(survey.get_absolute_url()).content.decode()
    assert (
        "Почему вы не можете принять участие" in page and "Елизовский муниципальный район" in page
    )
    assert '<form method="post" action="/surveys/' not in page


def test_vote_once_then_already_taken_part(client, resident, organization):
    survey = make_survey(organization=organization, kind="vote")
    client.force_login(resident)
    url = reverse("surveys:respond", args=[survey.pk])
    first = client.post(url, _vote(survey), follow=True)
    assert "Ваш голос учтён." in first.content.decode()
    second = client.post(url, _vote(survey, 1), follow=True)
    assert second.status_code == 200 and "Вы уже приняли участие." in second.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_invalid_answers_come_back_with_errors_and_choices_kept(client, resident, organization):
    survey = make_survey(organization=organization)
    text = QuestionFactory(survey=survey, kind="text", text="Почему?")
    client.force_login(resident)
    response = client.post(
        reverse("surveys:respond", args=[survey.pk]), {f"q{text.pk}": "Потому что"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Выберите вариант ответа." in page and "Потому что" in page
    assert f'aria-describedby="q{survey.questions.first().pk}-error"' in page


def test_vote_results_are_sealed_then_public_with_chart_and_table(
    client, head, resident, organization
):
    survey = make_survey(organization=organization, kind="vote")
    client.force_login(resident)
    client.post(reverse("surveys:respond", args=[survey.pk]), _vote(survey))
    client.force_login(head)
    sealed = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Результаты голосования скрыты от всех" in sealed and "chart-table" not in sealed
    export = client.get(reverse("surveys:export_csv", args=[survey.pk]))
    assert export.status_code == 302
    with time_machine.travel(survey.closes_at + timedelta(minutes=1)):
        page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
        assert "chart-table" in page and "Принял участие 1 человек." in page
        csv = client.get(reverse("surveys:export_csv", args=[survey.pk]))
        body = csv.content.decode("utf-8-sig")
        assert csv["Content-Type"].startswith("text/csv") and "Сквер на Ленинской" in body
        assert resident.email not in body and "Сидорова" not in body
        xlsx = client.get(reverse("surveys:export_xlsx", args=[survey.pk]))
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert [cell.value for cell in sheet[2]] == [1, "Сквер на Ленинской"]


def test_organizer_builds_and_publishes_a_poll_through_the_pages(client, head, organization):
    client.force_login(head)
    now = timezone.localtime()
    response = client.post(
        reverse("surveys:new"),
        {
            "organization": organization.pk,
            "kind": "poll",
            "title": "Качество дорог",
            "audience": "region",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "eligibility": "email",
            "is_anonymous": "on",
            "results_visibility": "live",
        },
    )
    survey = Survey.objects.get(title="Качество дорог")
    assert response.url == reverse("surveys:manage", args=[survey.pk])
    assert client.get(response.url).status_code == 200
    client.post(
        reverse("surveys:question_add", args=[survey.pk]),
        {
            "question-text": "Как вы оцениваете дороги?",
            "question-kind": "single",
            "question-is_required": "on",
            "question-scale_min": "1",
            "question-scale_max": "5",
            "question-options": "Хорошо\nПлохо\n",
        },
    )
    assert list(survey.questions.get().options.values_list("text", flat=True)) == [
        "Хорошо",
        "Плохо",
    ]
    published = client.post(reverse("surveys:publish", args=[survey.pk]), follow=True)
    assert "Опубликовано. Теперь публикацию видят жители" in published.content.decode()
    survey.refresh_from_db()
    assert survey.published_at is not None


def test_survey_form_errors_keep_what_was_typed(client, head, organization):
    client.force_login(head)
    response = client.post(
        reverse("surveys:new"),
        {
            "organization": organization.pk,
            "kind": "vote",
            "title": "Сквер",
            "results_visibility": "live",
        },
    )
    page = response.content.decode()
    assert (
        response.status_code == 400
        and 'value="Сквер"' in page
        and "Результаты голосования показываются только после его завершения." in page
    )


def test_discussion_comment_react_complain_through_the_pages(client, resident, organization):
    discussion = DiscussionFactory(organization=organization)
    section = SectionFactory(
        discussion=discussion, body="## Часть\n\n<script>alert(1)</script>Текст"
    )
    client.force_login(resident)
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "<h4>Часть</h4>" in page and "<script>alert" not in page
    empty = client.post(
        reverse("discussions:comment", args=[discussion.pk]), {"text": "", "section": section.pk}
    )
    assert (
        empty.status_code == 400
        and f'id="comment-on-section-{section.pk}-error"' in empty.content.decode()
    )
    done = client.post(
        reverse("discussions:comment", args=[discussion.pk]),
        {"text": "Добавить скамейки", "section": section.pk},
    )
    comment = Comment.objects.get(text="Добавить скамейки")
    assert done.url.endswith(f"#comment-{comment.pk}")
    other = CommentFactory(discussion=discussion, section=section)
    client.post(reverse("discussions:react", args=[discussion.pk, other.pk]), {"kind": "support"})
    again = client.post(
        reverse("discussions:react", args=[discussion.pk, other.pk]),
        {"kind": "oppose"},
        follow=True,
    )
    assert "Вы уже высказали мнение об этом комментарии." in again.content.decode()
    client.post(reverse("discussions:complain", args=[discussion.pk, other.pk]), {"reason": "Спам"})
    assert other.reports.count() == 1


def test_moderation_queue_is_for_moderators(client, moderator, citizen, organization):
    discussion = DiscussionFactory(organization=organization, moderation="pre")
    comment = CommentFactory(
        discussion=discussion, status=Comment.Status.PENDING, text="Ждёт проверки"
    )
    client.force_login(citizen)
    assert client.get(reverse("discussions:moderation")).status_code == 403
    client.force_login(moderator)
    assert "Ждёт проверки" in client.get(reverse("discussions:moderation")).content.decode()
    client.post(reverse("discussions:moderate", args=[comment.pk]), {"decision": "publish"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_final_report_through_the_pages(client, head, resident, organization):
    discussion = DiscussionFactory(organization=organization)
    comment = CommentFactory(discussion=discussion, author=resident, text="Продлить часы работы")
    client.force_login(head)
    url = reverse("discussions:report_edit", args=[discussion.pk])
    assert "Решения фиксируются после завершения обсуждения" in client.get(url).content.decode()
    with time_machine.travel(discussion.closes_at + timedelta(hours=1)):
        missing = client.post(url, {"publish": "1"})
        assert (
            missing.status_code == 400
            and "Комментарии, по которым ещё не принято решение: 1." in missing.content.decode()
        )
        no_reason = client.post(
            url, {f"c{comment.pk}-decision": "partly", f"c{comment.pk}-reason": ""}
        )
        assert (
            no_reason.status_code == 400
            and "Укажите обоснование решения." in no_reason.content.decode()
        )
        done = client.post(
            url,
            {
                f"c{comment.pk}-decision": "partly",
                f"c{comment.pk}-reason": "Частично учтено",
                "summary": "Спасибо всем",
                "publish": "1",
            },
        )
        assert done.url == reverse("discussions:report", args=[discussion.pk])
        client.force_login(resident)
        report = client.get(done.url).content.decode()
        assert (
            "Продлить часы работы" in report
            and "Учтено частично" in report
            and "Частично учтено" in report
        )


def test_subscription_page_saves_the_choice(client, resident):
    client.force_login(resident)
    client.post(reverse("surveys:subscription"), {"new_in_municipality": "on"})
    page = client.get(reverse("surveys:subscription")).content.decode()
    assert (
        'id="id_new_in_municipality" checked' in page
        and 'id="id_discussion_reports" checked' not in page
    )


def test_navigation_shows_consultations(client, head, resident):
    client.force_login(resident)
    page = client.get("/").content.decode()
    assert reverse("surveys:list") in page and reverse("discussions:list") in page
    assert reverse("surveys:manage_list") not in page
    client.force_login(head)
    assert reverse("surveys:manage_list") in client.get("/").content.decode()


# --- Access: another organization's items, drafts, organizer pages -------------------------------------

ORGANIZER_URLS = [
    ("surveys:manage", "survey"),
    ("surveys:question_add", "survey"),
    ("surveys:question_delete", "question"),
    ("surveys:option_add", "question"),
    ("surveys:option_delete", "option"),
    ("surveys:publish", "survey"),
    ("surveys:export_csv", "survey"),
    ("surveys:export_xlsx", "survey"),
    ("discussions:manage", "discussion"),
    ("discussions:section_add", "discussion"),
    ("discussions:section_delete", "section"),
    ("discussions:publish", "discussion"),
    ("discussions:report_edit", "discussion"),
]
DRAFT_URLS = [
    ("surveys:detail", "survey"),
    ("surveys:respond", "survey"),
    ("surveys:results", "survey"),
    ("surveys:image", "survey"),
    ("surveys:option_image", "option"),
    ("discussions:detail", "discussion"),
    ("discussions:comment", "discussion"),
    ("discussions:react", "comment"),
    ("discussions:complain", "comment"),
    ("discussions:document", "discussion"),
    ("discussions:report", "discussion"),
]


@pytest.fixture
def objects(organization):
    survey = make_survey(organization=organization, published_at=None, title="Секретный черновик")
    question = survey.questions.get()
    discussion = DiscussionFactory(
        organization=organization, published_at=None, title="Секретное обсуждение"
    )
    section = SectionFactory(discussion=discussion)
    comment = CommentFactory(discussion=discussion)
    return {
        "survey": survey,
        "question": question,
        "option": question.options.first(),
        "discussion": discussion,
        "section": section,
        "comment": comment,
    }


def _kwargs(name, kind, objects):
    pk = objects["survey"].pk if name.startswith("surveys") else objects["discussion"].pk
    extra = {
        "question": {"question_id": objects["question"].pk},
        "option": {"option_id": objects["option"].pk},
        "section": {"section_id": objects["section"].pk},
        "comment": {"comment_id": objects["comment"].pk},
    }
    return {"pk": pk, **extra.get(kind, {})}


@pytest.mark.parametrize("who", ["anonymous", "citizen", "other_head", "executor"])
def test_nobody_else_reaches_drafts_or_organizer_pages(client, objects, region, who, executor):
    people = {"anonymous": None, "citizen": UserFactory(), "executor": executor}
    people["other_head"] = UserFactory()
    MembershipFactory(
        user=people["other_head"], organization=OrganizationFactory(region=region), role="head"
    )
    if people[who] is not None:
        client.force_login(people[who])
    for name, kind in ORGANIZER_URLS + DRAFT_URLS:
        url = reverse(name, kwargs=_kwargs(name, kind, objects))
        for method in (client.get, client.post):
            response = method(
                url, {"text": "x", "kind": "support", "reason": "x", "title": "x", "body": "x"}
            )
            allowed = {403, 404, 405} | ({302} if who == "anonymous" else set())
            assert response.status_code in allowed, (name, method.__name__, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response.url
            body = b"".join(response) if response.streaming else response.content
            assert "Секретн".encode() not in body, name
    assert (
        Survey.objects.get().published_at is None and Discussion.objects.get().published_at is None
    )


def test_comment_moderation_url_is_limited_to_the_moderators_region(client, organization):
    from tests.organizations.factories import RegionFactory

    comment = CommentFactory(
        discussion=DiscussionFactory(organization=organization), status=Comment.Status.PENDING
    )
    elsewhere = UserFactory()
    MembershipFactory(
        user=elsewhere, organization=None, region=RegionFactory(code="25"), role="moderator"
    )
    client.force_login(elsewhere)
    assert (
        client.post(
            reverse("discussions:moderate", args=[comment.pk]), {"decision": "publish"}
        ).status_code
        == 404
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_every_surveys_url_with_a_parameter_is_in_the_matrix():
    from tests.appeals.test_access_matrix import _patterns

    found = {
        name
        for name, params in _patterns()
        if params and name.split(":")[0] in {"surveys", "discussions"}
    }
    assert found == {name for name, _kind in ORGANIZER_URLS + DRAFT_URLS} | {"discussions:moderate"}


def test_discussion_page_queries_do_not_grow_with_comments(
    client, resident, organization, django_assert_max_num_queries
):
    discussion = DiscussionFactory(organization=organization)
    sections = [SectionFactory(discussion=discussion) for _ in range(3)]
    for index in range(30):
        parent = CommentFactory(discussion=discussion, section=sections[index % 3])
        CommentFactory(discussion=discussion, section=parent.section, parent=parent)
    client.force_login(resident)
    with django_assert_max_num_queries(12):
        response = client.get(discussion.get_absolute_url())
    assert response.content.decode().count('class="comment"') == 60


def test_admin_lists_the_consultations(client, platform_admin, organization):
    survey = make_survey(organization=organization)
    discussion = DiscussionFactory(organization=organization)
    CommentFactory(discussion=discussion)
    client.force_login(platform_admin)
    for name in ("survey", "question", "response", "discussion", "comment", "subscription"):
        assert client.get(reverse(f"admin:surveys_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).status_code == 200
    assert (
        client.get(reverse("admin:surveys_discussion_change", args=[discussion.pk])).status_code
        == 200
    )
