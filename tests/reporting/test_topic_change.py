"""Staff or the moderator correct an appeal's classifier heading: an Event records it, the status
stays, and the Decree 171 report counts the appeal under the new heading."""

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Event
from core.errors import DomainError, NotAllowed
from organizations.models import Organization
from reporting.models import Topic
from reporting.report import monthly_report
from reporting.services import change_topic, map_categories
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.factories import world_appeal
from tests.organizations.factories import CategoryFactory

pytestmark = pytest.mark.django_db
demo_rules = appeals_fixtures.demo_rules
other_executor = appeals_fixtures.other_executor
S = Appeal.Status


def _heading(code: str, name: str) -> Topic:
    parent = None
    parts = code.split(".")
    for level in range(1, len(parts) + 1):
        parent, _created = Topic.objects.get_or_create(
            code=".".join(parts[:level]), defaults={"name": name, "parent": parent}
        )
    return parent


@pytest.fixture
def headings():
    return {
        "snow": _heading("0005.0005.0056.1153", "Уборка снега"),
        "roads": _heading("0002.0007.0074.0430", "Содержание дорог"),
    }


def _registered(world, headings) -> Appeal:
    Organization.objects.filter(pk=world.organization.pk).update(
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION
    )
    category = CategoryFactory(parent=world.category.parent, term_days=30)
    map_categories(mapping={category.pk: headings["snow"].code})
    appeal = world_appeal(world, S.SUBMITTED, category=category)
    return services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, organization=world.organization
    )


def _sections(world) -> dict[str, int]:
    report = monthly_report(
        region_id=world.region.pk, zone=world.region.timezone, month=timezone.localdate()
    )
    return {key: report.total.figures[key] for key in ("section_0005", "section_0002", "received")}


def test_staff_change_the_heading_and_the_report_counts_the_new_one(
    client, world, demo_rules, headings
):
    appeal = _registered(world, headings)
    assert appeal.topic == headings["snow"]
    assert _sections(world) == {"section_0005": 1, "section_0002": 0, "received": 1}

    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Изменить рубрику классификатора" in page
    response = client.post(
        reverse("appeal_topic", args=[appeal.number]), {"topic": headings["roads"].pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:appeal", args=[appeal.number])

    appeal.refresh_from_db()
    assert appeal.topic == headings["roads"] and appeal.status == S.REGISTERED
    event = Event.objects.get(appeal=appeal, action=Event.Action.CHANGE_TOPIC)
    assert (event.from_status, event.to_status) == (S.REGISTERED, S.REGISTERED)
    assert event.data["from"] == "0005.0005.0056.1153" and event.data["to"] == "0002.0007.0074.0430"
    assert event.actor == world.executor
    assert _sections(world) == {"section_0005": 0, "section_0002": 1, "received": 1}

    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "0005.0005.0056.1153 → 0002.0007.0074.0430" in page  # in the history


def test_the_moderator_may_change_it_and_the_same_heading_changes_nothing(
    world, demo_rules, headings
):
    appeal = _registered(world, headings)
    change_topic(actor=world.moderator, appeal_id=appeal.pk, topic_id=headings["roads"].pk)
    change_topic(actor=world.moderator, appeal_id=appeal.pk, topic_id=headings["roads"].pk)
    assert Event.objects.filter(appeal=appeal, action="change_topic").count() == 1


def test_another_organization_and_a_section_heading_are_refused(
    client, world, demo_rules, headings, other_executor
):
    appeal = _registered(world, headings)
    with pytest.raises(NotAllowed):
        change_topic(actor=other_executor, appeal_id=appeal.pk, topic_id=headings["roads"].pk)
    with pytest.raises(DomainError):
        section = Topic.objects.get(code="0002")
        change_topic(actor=world.executor, appeal_id=appeal.pk, topic_id=section.pk)
    client.force_login(other_executor)
    url = reverse("appeal_topic", args=[appeal.number])
    assert client.post(url, {"topic": headings["roads"].pk}).status_code == 404
    client.force_login(world.executor)
    response = client.post(url, {"topic": "abc"}, follow=True)
    assert "Выберите" in response.content.decode()  # a translated error, not a 5xx
    appeal.refresh_from_db()
    assert appeal.topic == headings["snow"]


def test_a_submitted_appeal_has_no_heading_to_change(world, headings):
    appeal = world_appeal(world, S.SUBMITTED)
    from appeals.workflow import IllegalTransition

    with pytest.raises(IllegalTransition):
        change_topic(actor=world.moderator, appeal_id=appeal.pk, topic_id=headings["roads"].pk)
