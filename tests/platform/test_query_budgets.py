"""Query budgets of the pages every citizen and every executor pays for (issue 13).

The base layout (menu, region, unread count) costs nothing on a warm process beyond loading the
signed-in person; the filing path and the staff appeal page stay within a fixed number of queries
whatever the number of rows they show. Cached data is dropped when it changes.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal, Attachment, Event
from core.outbox import mark_read, notify
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.factories import filing_form, world_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db
world = appeals_fixtures.world  # one region, a routed category, a person for every role
S = Appeal.Status

# A page of the base layout and nothing else: the 404 page.
LAYOUT_ONLY = "/no-such-page/"

FILING_GET = 3
FILING_POST = 10  # in the tests the transaction is a savepoint: SAVEPOINT and RELEASE count here;
# one query matches the typed address with the address registry (places.selectors.match_house),
# one finds a published outage under way at the address (outages.selectors.outage_under_way)
NEW_APPEAL_PAGE = 4
STAFF_APPEAL_PAGE = 9  # one of them: the notices to the citizen with their delivery (any number)


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    return response, [query["sql"] for query in captured.captured_queries]


def _page(client, url=LAYOUT_ONLY) -> str:
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    "role", ["anonymous", "citizen", "executor", "head", "moderator", "analyst", "admin"]
)
def test_the_base_layout_costs_only_the_signed_in_person_on_a_warm_process(
    client, world, analyst, platform_admin, role
):
    people = {
        "citizen": world.citizen,
        "executor": world.executor,
        "head": world.head,
        "moderator": world.moderator,
        "analyst": analyst,
        "admin": platform_admin,
    }
    if role != "anonymous":
        client.force_login(people[role])
    client.get(LAYOUT_ONLY)  # warms the process
    response, queries = _queries(client, "get", LAYOUT_ONLY)
    page = response.content.decode()
    assert response.status_code == 404
    assert f"<small>{world.region.name}</small>" in page
    expected = {"anonymous": 0}.get(role, 1)  # the person of the session, nothing else
    assert len(queries) == expected, queries
    assert ("Рабочее место" in page) == (role in ("executor", "head"))
    assert ("Модерация" in page) == (role == "moderator")
    assert ("Аналитика" in page) == (role in ("head", "analyst", "admin"))


def test_an_administrator_renaming_the_region_shows_on_the_next_page(client, world, platform_admin):
    client.force_login(world.citizen)
    assert "<small>Камчатский край</small>" in _page(client)
    admin = Client()
    admin.force_login(platform_admin)
    response = admin.post(
        reverse("admin:organizations_region_change", args=[world.region.pk]),
        {"code": world.region.code, "name": "Камчатский край (тест)", "timezone": "Asia/Kamchatka"},
    )
    assert response.status_code == 302
    assert "<small>Камчатский край (тест)</small>" in _page(client)


def test_a_renamed_or_new_category_and_municipality_show_on_the_filing_form(client, world):
    client.force_login(world.citizen)
    assert "Уборка снега и наледи — 10 дней" in _page(client, reverse("appeals:new"))
    world.category.name = "Уборка снега"
    world.category.save()
    new = CategoryFactory(name="Ямы на дорогах", parent=world.category.parent, term_days=30)
    MunicipalityFactory(region=world.region, name="Елизовский муниципальный район")
    page = _page(client, reverse("appeals:new"))
    assert "Уборка снега — 10 дней" in page and "Уборка снега и наледи" not in page
    assert f'<option value="{new.pk}">Ямы на дорогах — 30 дней</option>' in page
    assert "Елизовский муниципальный район" in page
    response = client.post(reverse("appeals:new"), filing_form(world, category=new.pk))
    assert response.status_code == 302 and Appeal.objects.get().category == new


def test_a_new_or_removed_membership_changes_the_menu(client, world):
    person = UserFactory(email="new.executor@example.ru")
    client.force_login(person)
    assert "Рабочее место" not in _page(client)
    membership = MembershipFactory(
        user=person, organization=world.organization, role=Membership.Role.EXECUTOR
    )
    assert "Рабочее место" in _page(client)
    assert client.get(reverse("staff:home")).status_code == 200
    membership.delete()
    assert "Рабочее место" not in _page(client)
    assert client.get(reverse("staff:home")).status_code == 403


def test_a_membership_given_to_another_person_leaves_the_previous_holder_at_once(client, world):
    first = UserFactory(email="first.executor@example.ru")
    membership = MembershipFactory(
        user=first, organization=world.organization, role=Membership.Role.EXECUTOR
    )
    client.force_login(first)
    assert client.get(reverse("staff:home")).status_code == 200  # the roles are cached now
    membership.user = UserFactory(email="second.executor@example.ru")
    membership.save()
    assert client.get(reverse("staff:home")).status_code == 403
    assert "Рабочее место" not in _page(client)


def test_the_unread_count_follows_notifications_written_and_read(client, world):
    client.force_login(world.citizen)
    assert 'class="badge"' not in _page(client)
    appeal = world_appeal(world, S.SUBMITTED)
    notify(recipient=world.citizen, appeal=appeal, template="submitted")
    assert 'class="badge">1<' in _page(client)
    notify(recipient=world.citizen, appeal=appeal, template="submitted")
    assert 'class="badge">2<' in _page(client)
    mark_read(user=world.citizen)
    assert 'class="badge"' not in _page(client)


def test_the_filing_path_keeps_its_budget(client, world):
    client.force_login(world.citizen)
    # A warm process: it has shown the form and taken a filing (the regime rules are in memory).
    client.get(reverse("appeals:new"))
    client.post(reverse("appeals:new"), filing_form(world))
    response, queries = _queries(client, "get", reverse("appeals:new"))
    assert response.status_code == 200 and len(queries) <= FILING_GET, queries

    response, queries = _queries(client, "post", reverse("appeals:new"), filing_form(world))
    assert response.status_code == 302, response.content.decode()
    assert len(queries) <= FILING_POST, queries
    writes = [sql for sql in queries if sql.startswith("INSERT")]
    assert len(writes) == 3  # the appeal, its event, the receipt (the number counter is raw SQL)

    response, queries = _queries(client, "get", response.url)
    assert Appeal.objects.latest("pk").number in response.content.decode()
    assert len(queries) <= NEW_APPEAL_PAGE, queries


def test_the_filing_form_costs_the_same_for_2_or_40_options(client, world):
    client.force_login(world.citizen)
    client.get(reverse("appeals:new"))
    _response, few = _queries(client, "get", reverse("appeals:new"))
    for index in range(20):
        CategoryFactory(name=f"Категория {index}", parent=world.category.parent)
        MunicipalityFactory(region=world.region, name=f"Поселение {index}")
    client.get(reverse("appeals:new"))  # the caches were dropped: warm them again
    response, many = _queries(client, "get", reverse("appeals:new"))
    assert (
        "Поселение 19" in response.content.decode() and "Категория 19" in response.content.decode()
    )
    assert len(many) == len(few) <= FILING_GET


def test_the_citizen_appeal_page_costs_the_same_with_files_events_and_answers(client, world):
    client.force_login(world.citizen)
    appeal = world_appeal(world, S.SUBMITTED)
    client.get(appeal.get_absolute_url())
    _response, bare = _queries(client, "get", appeal.get_absolute_url())
    assert len(bare) <= NEW_APPEAL_PAGE, bare

    answered = world_appeal(world, S.ANSWERED)
    for index in range(3):
        Attachment.objects.create(
            appeal=answered,
            uploaded_by=world.citizen,
            file=f"a/{index}.pdf",
            original_name=f"{index}.pdf",
            content_type="application/pdf",
            size=1,
        )
        Event.objects.create(appeal=answered, action=Event.Action.NOTE, is_public=True)
    response, full = _queries(client, "get", answered.get_absolute_url())
    assert response.status_code == 200
    assert len(full) <= len(bare) + 4  # answers (with their files and ratings), files, messages


def test_the_staff_appeal_page_keeps_its_budget_with_many_similar_appeals(client, world):
    client.force_login(world.executor)
    appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    url = reverse("staff:appeal", args=[appeal.number])
    client.get(url)
    _response, few = _queries(client, "get", url)
    for _index in range(12):
        world_appeal(world, S.IN_PROGRESS, executor=world.executor)
    response, many = _queries(client, "get", url)
    assert response.status_code == 200
    assert len(many) == len(few) <= STAFF_APPEAL_PAGE, "\n".join(sorted(set(many) - set(few)))
