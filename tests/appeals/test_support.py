"""«Присоединиться»: residents join public problems, the count shows everywhere, supporters hear
of the answer and rate it; the filing form offers known problems nearby."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Event, Rating, Support
from appeals.selectors.support import nearby_public_problems
from appeals.services.support import join_problem, leave_problem, rate_as_supporter
from core.errors import DomainError
from core.models import Notification
from core.outbox import render
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, world_appeal
from tests.organizations.factories import CategoryFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
# Petropavlovsk-Kamchatsky, Lenin square
LAT, LON = Decimal("53.01800"), Decimal("158.65100")


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture
def resident(db):
    return UserFactory(email="resident@example.ru", first_name="Пётр")


def _problem(world, status=S.IN_PROGRESS, **fields):
    fields.setdefault("is_public", True)
    fields.setdefault("latitude", LAT)
    fields.setdefault("longitude", LON)
    return world_appeal(world, status, **fields)


def _count(appeal) -> int:
    return Appeal.objects.values_list("supporters_count", flat=True).get(pk=appeal.pk)


# --- services ---------------------------------------------------------------------------------


def test_a_resident_joins_once_and_the_count_follows(world, resident):
    problem = _problem(world)
    join_problem(citizen=resident, appeal_id=problem.pk)
    join_problem(citizen=resident, appeal_id=problem.pk)  # a double click
    assert Support.objects.filter(appeal=problem).count() == 1
    assert _count(problem) == 1
    event = Event.objects.get(appeal=problem, action=Event.Action.JOIN)
    assert event.actor == resident and not event.is_public  # the author never sees who joined
    assert event.from_status == event.to_status == S.IN_PROGRESS
    join_problem(citizen=UserFactory(), appeal_id=problem.pk)
    assert _count(problem) == 2


def test_the_database_itself_refuses_a_second_join(world, resident):
    problem = _problem(world)
    Support.objects.create(appeal=problem, citizen=resident)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO appeals_support (appeal_id, citizen_id, created_at) "
            "VALUES (%s, %s, now())",
            [problem.pk, resident.pk],
        )


def test_leaving_withdraws_the_support_and_is_idempotent(world, resident):
    problem = _problem(world)
    join_problem(citizen=resident, appeal_id=problem.pk)
    assert leave_problem(citizen=resident, appeal_id=problem.pk) is True
    assert leave_problem(citizen=resident, appeal_id=problem.pk) is False
    assert not Support.objects.filter(appeal=problem).exists()
    assert _count(problem) == 0
    assert Event.objects.filter(appeal=problem, action=Event.Action.LEAVE).count() == 1


@pytest.mark.parametrize(
    ("status", "public"),
    [(S.IN_PROGRESS, False), (S.SUBMITTED, True), (S.REJECTED, True)],
    ids=["private", "on-moderation", "rejected"],
)
def test_only_public_problems_can_be_joined(world, resident, status, public):
    appeal = world_appeal(world, status, is_public=public)
    with pytest.raises(DomainError):
        join_problem(citizen=resident, appeal_id=appeal.pk)
    assert not Support.objects.exists() and _count(appeal) == 0


def test_the_author_cannot_join_their_own_problem(world):
    problem = _problem(world)
    with pytest.raises(DomainError) as error:
        join_problem(citizen=world.citizen, appeal_id=problem.pk)
    assert "собственное обращение" in str(error.value.message)
    assert _count(problem) == 0


def test_supporters_are_told_of_the_answer_and_rate_it_without_touching_the_appeal(world, resident):
    problem = _problem(world, executor=world.executor)
    join_problem(citizen=resident, appeal_id=problem.pk)
    services.answer_appeal(actor=world.executor, appeal_id=problem.pk, text="Снег убран.")
    notice = Notification.objects.get(
        recipient=resident, template="supported_answered", channel=Notification.Channel.IN_APP
    )
    assert notice.appeal == problem and notice.context["url"].startswith("/appeals/")
    email = Notification.objects.get(
        recipient=resident, template="supported_answered", channel=Notification.Channel.EMAIL
    )
    subject, body = render(email)
    assert f"Дан ответ по проблеме {problem.number}" in subject
    assert f"/problems/{problem.number}/" in body and "Иванова" not in body  # not the author
    # The author still gets their own rating request.
    assert Notification.objects.filter(recipient=world.citizen, template="answered").exists()

    rate_as_supporter(citizen=resident, appeal_id=problem.pk, score=2)
    support = Support.objects.get(appeal=problem, citizen=resident)
    assert support.rating == 2 and support.rated_at is not None
    problem.refresh_from_db()
    assert problem.status == S.ANSWERED  # a low supporter rating sends nothing back
    assert not Rating.objects.filter(appeal=problem).exists()
    assert Event.objects.filter(appeal=problem, action=Event.Action.RATE_AS_SUPPORTER).exists()


def test_only_a_supporter_rates_and_only_after_the_answer(world, resident):
    problem = _problem(world)
    with pytest.raises(DomainError):
        rate_as_supporter(citizen=resident, appeal_id=problem.pk, score=5)
    join_problem(citizen=resident, appeal_id=problem.pk)
    with pytest.raises(DomainError):  # in progress: nothing to rate yet
        rate_as_supporter(citizen=resident, appeal_id=problem.pk, score=5)
    assert Support.objects.get(citizen=resident).rating is None


# --- views ------------------------------------------------------------------------------------


def test_joining_and_leaving_through_the_buttons(client, world, resident):
    problem = _problem(world)
    client.force_login(resident)
    response = client.post(
        reverse("problem_join", args=[problem.number]), {"next": reverse("appeals:new")}
    )
    assert response.status_code == 302 and response.url == reverse("appeals:new")
    assert _count(problem) == 1
    response = client.post(
        reverse("problem_leave", args=[problem.number]),
        {"next": reverse("appeals:new")},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Поддержали: 0" in page and "Присоединиться" in page
    assert _count(problem) == 0


def test_an_outside_next_is_not_followed(client, world, resident):
    problem = _problem(world)
    client.force_login(resident)
    response = client.post(
        reverse("problem_join", args=[problem.number]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("appeals:list")


@pytest.mark.parametrize(
    ("status", "public"), [(S.IN_PROGRESS, False), (S.SUBMITTED, True)], ids=["private", "new"]
)
def test_joining_a_problem_that_is_not_public_is_a_404(client, world, resident, status, public):
    appeal = world_appeal(world, status, is_public=public)
    client.force_login(resident)
    assert client.post(reverse("problem_join", args=[appeal.number])).status_code == 404
    assert client.post(reverse("problem_leave", args=[appeal.number])).status_code == 404
    assert not Support.objects.exists()


def test_the_author_sees_the_refusal_not_an_error_page(client, world):
    problem = _problem(world)
    client.force_login(world.citizen)
    response = client.post(reverse("problem_join", args=[problem.number]), follow=True)
    assert response.status_code == 200
    assert "собственное обращение" in response.content.decode()
    assert _count(problem) == 0


def test_a_signed_out_visitor_sees_the_count_and_a_login_link(rf, world, resident):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    problem = _problem(world)
    join_problem(citizen=resident, appeal_id=problem.pk)
    request = rf.get(f"/problems/{problem.number}/")
    request.user = AnonymousUser()
    problem = Appeal.objects.get(pk=problem.pk)
    html = render_to_string("appeals/includes/support.html", {"problem": problem}, request=request)
    assert "Поддержали: 1" in html
    assert f"/accounts/login/?next=/problems/{problem.number}/" in html.replace("%2F", "/")
    assert "<form" not in html


def test_a_signed_out_post_goes_to_the_login_page(client, world):
    problem = _problem(world)
    response = client.post(
        reverse("problem_join", args=[problem.number]), {"next": reverse("appeals:new")}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert _count(problem) == 0


def test_joins_are_rate_limited(client, world, resident, settings):
    settings.APPEAL_SUPPORT_RATE = "2/h"
    problem = _problem(world)
    client.force_login(resident)
    url = reverse("problem_join", args=[problem.number])
    client.post(url)
    client.post(reverse("problem_leave", args=[problem.number]))
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "Слишком много" in response.content.decode()
    response = client.post(url, follow=True)  # without JavaScript: back, with the message
    assert response.status_code == 200 and "Слишком много" in response.content.decode()
    assert _count(problem) == 0


def test_the_cabinet_lists_supported_problems_and_takes_a_rating(client, world, resident):
    answered = _problem(world, S.ANSWERED)
    open_one = _problem(world)
    join_problem(citizen=resident, appeal_id=answered.pk)
    join_problem(citizen=resident, appeal_id=open_one.pk)
    client.force_login(resident)
    page = client.get(reverse("appeals:list")).content.decode()
    assert "Проблемы, которые я поддерживаю" in page
    assert answered.number in page and open_one.number in page
    response = client.post(reverse("problem_rate", args=[answered.number]), {"score": "4"})
    assert response.status_code == 302
    assert Support.objects.get(appeal=answered).rating == 4
    page = client.get(reverse("appeals:list")).content.decode()
    assert "Ваша оценка: 4 из 5" in page
    assert reverse("problem_leave", args=[open_one.number]) in page  # leaving from the cabinet
    # Not a supporter of it: a 404, not a rating.
    other = _problem(world, S.ANSWERED)
    assert (
        client.post(reverse("problem_rate", args=[other.number]), {"score": "4"}).status_code == 404
    )


def test_the_staff_page_and_queue_show_the_count_and_sort_by_it(client, world):
    quiet = _problem(world, due_at=timezone.now() + timedelta(days=1))
    popular = _problem(world, due_at=timezone.now() + timedelta(days=20))
    for _index in range(3):
        join_problem(citizen=UserFactory(), appeal_id=popular.pk)
    join_problem(citizen=UserFactory(), appeal_id=quiet.pk)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[popular.number])).content.decode()
    assert '<dd id="supporters">3' in page
    by_due = client.get(reverse("staff:home")).content.decode()
    assert by_due.index(quiet.number) < by_due.index(popular.number)
    by_support = client.get(reverse("staff:home"), {"sort": "supporters"}).content.decode()
    assert by_support.index(popular.number) < by_support.index(quiet.number)
    assert "Сначала самые поддержанные" in by_support


def test_the_supporters_sort_uses_its_index(world):
    from appeals.selectors.staff import QueueFilter, queue

    rows = queue(user=world.executor, filters=QueueFilter(tab="all", sort="supporters"))
    with connection.cursor() as cursor:
        # A few test rows: a sequential scan, or another index and a sort, would be cheaper here.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    assert "appeal_queue_support_idx" in rows[:25].explain()


# --- nearby known problems on the filing form -------------------------------------------------


def test_nearby_finds_close_recent_public_problems_of_the_category(world, resident):
    close = _problem(world, latitude=LAT + Decimal("0.002"))  # ~220 m north
    far = _problem(world, latitude=LAT + Decimal("0.01"))  # ~1.1 km
    old = _problem(world, submitted_at=timezone.now() - timedelta(days=120))
    private = _problem(world, is_public=False)
    on_moderation = _problem(world, S.SUBMITTED)
    other_category = _problem(world, category=CategoryFactory(parent=world.category.parent))
    mine = _problem(world, citizen=resident)
    here = _problem(world, longitude=LON + Decimal("0.001"))  # ~67 m east
    found = nearby_public_problems(
        category=world.category, latitude=LAT, longitude=LON, user=resident
    )
    assert [row.number for row in found] == [here.number, close.number]
    assert 50 < found[0].distance_m < 90 and 200 < found[1].distance_m < 240
    for absent in (far, old, private, on_moderation, other_category, mine):
        assert absent.number not in {row.number for row in found}


def test_without_a_point_nearby_means_the_same_municipality(world, resident):
    problem = _problem(world, latitude=None, longitude=None)
    found = nearby_public_problems(
        category=world.category, municipality_id=world.municipality.pk, user=resident
    )
    assert [row.number for row in found] == [problem.number]
    assert found[0].supported_by_me is False


def test_the_filing_fragment_offers_to_join(client, world, resident):
    problem = _problem(world)
    client.force_login(resident)
    response = client.get(
        reverse("appeals:nearby"),
        {"category": world.category.pk, "municipality": world.municipality.pk},
    )
    page = response.content.decode()
    assert "Эта проблема уже известна — присоединиться?" in page
    assert reverse("problem_join", args=[problem.number]) in page
    assert f'name="next" value="{reverse("appeals:new")}"' in page
    # Garbage in the query: no suggestion, no error.
    response = client.get(
        reverse("appeals:nearby"), {"category": "x", "latitude": "NaN", "longitude": "1e999"}
    )
    assert response.status_code == 200 and "присоединиться" not in response.content.decode()


def test_a_form_that_came_back_shows_the_known_problems_without_javascript(client, world, resident):
    problem = _problem(world)
    client.force_login(resident)
    response = client.post(reverse("appeals:new"), filing_form(world, text="коротко"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Эта проблема уже известна" in page
    assert reverse("problem_join", args=[problem.number]) in page
    # The join form sits outside the filing form (no nested forms).
    assert page.index(reverse("problem_join", args=[problem.number])) < page.index(
        'class="form appeal-form"'
    )


def test_the_nearby_fragment_costs_the_same_for_one_or_five_problems(client, world, resident):
    client.force_login(resident)
    url = reverse("appeals:nearby")
    params = {"category": world.category.pk, "municipality": world.municipality.pk}
    _problem(world)
    client.get(url, params)
    with CaptureQueriesContext(connection) as one:
        client.get(url, params)
    for _index in range(4):
        _problem(world)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url, params)
    assert response.content.decode().count("Присоединиться") == 5
    assert len(five) == len(one)
