"""Incidents: appeals about one event grouped by a moderator or head, answered once, closed together;
each appeal keeps its own number, deadline, timeline and rating."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import Answer, Appeal, Event, Incident
from appeals.services.incidents import (
    add_to_incident,
    answer_incident,
    close_incident,
    create_incident,
    remove_from_incident,
)
from core.errors import DomainError, NotAllowed
from core.models import Notification
from core.outbox import render
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
TITLE = "Прорыв теплотрассы на ул. Ленинской"


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


def _appeals(world, count=3, status=S.IN_PROGRESS, **fields):
    now = timezone.now()
    return [
        world_appeal(world, status, due_at=now + timedelta(days=5 + index), **fields)
        for index in range(count)
    ]


def _incident(world, appeals, actor=None):
    return create_incident(
        actor=actor or world.head, appeal_ids=[a.pk for a in appeals], title=TITLE
    )


def test_a_head_groups_appeals_of_the_organization(world):
    appeals = _appeals(world)
    incident = _incident(world, appeals)
    assert incident.organization == world.organization and incident.region == world.region
    assert set(incident.appeals.values_list("pk", flat=True)) == {a.pk for a in appeals}
    for appeal in appeals:
        event = Event.objects.get(appeal=appeal, action=Event.Action.ADD_TO_INCIDENT)
        assert event.actor == world.head and event.data == {"incident": incident.pk}
        assert event.from_status == event.to_status == S.IN_PROGRESS


def test_a_moderator_groups_appeals_still_on_moderation_naming_the_organization(world):
    appeals = _appeals(world, status=S.SUBMITTED, organization=None)
    with pytest.raises(DomainError):  # no organization yet, none named
        create_incident(actor=world.moderator, appeal_ids=[a.pk for a in appeals], title=TITLE)
    incident = create_incident(
        actor=world.moderator,
        appeal_ids=[a.pk for a in appeals],
        title=TITLE,
        organization=world.organization,
    )
    assert incident.organization == world.organization and incident.appeals.count() == 3


def test_an_executor_cannot_group(world):
    appeals = _appeals(world)
    with pytest.raises(NotAllowed):
        _incident(world, appeals, actor=world.executor)
    assert not Incident.objects.exists()
    assert not Event.objects.filter(action=Event.Action.ADD_TO_INCIDENT).exists()


def test_an_appeal_of_another_organization_is_refused(world):
    ours = _appeals(world, count=2)
    theirs = world_appeal(world, S.IN_PROGRESS, organization=world.other_organization)
    # The head of both organizations still cannot mix them in one incident.
    MembershipFactory(
        user=world.head, organization=world.other_organization, role=Membership.Role.HEAD
    )
    with pytest.raises(DomainError):
        _incident(world, [*ours, theirs])
    assert not Incident.objects.exists()
    incident = _incident(world, ours)
    with pytest.raises(DomainError):
        add_to_incident(actor=world.moderator, incident_id=incident.pk, appeal_id=theirs.pk)
    assert Appeal.objects.get(pk=theirs.pk).incident_id is None


def test_a_head_of_another_organization_and_another_regions_moderator_are_refused(world):
    incident = _incident(world, _appeals(world, count=1))
    extra = world_appeal(world, S.IN_PROGRESS)
    stranger = UserFactory()
    MembershipFactory(
        user=stranger, organization=world.other_organization, role=Membership.Role.HEAD
    )
    other_moderator = UserFactory()
    MembershipFactory(
        user=other_moderator,
        organization=None,
        region=RegionFactory(code="25", name="Приморский край"),
        role=Membership.Role.MODERATOR,
    )
    for actor in (stranger, other_moderator, world.executor):
        with pytest.raises(NotAllowed):
            add_to_incident(actor=actor, incident_id=incident.pk, appeal_id=extra.pk)


def test_add_and_remove_write_an_event_each(world):
    first, second = _appeals(world, count=2)
    incident = _incident(world, [first])
    add_to_incident(actor=world.moderator, incident_id=incident.pk, appeal_id=second.pk)
    add_to_incident(actor=world.moderator, incident_id=incident.pk, appeal_id=second.pk)
    assert Event.objects.filter(appeal=second, action=Event.Action.ADD_TO_INCIDENT).count() == 1
    remove_from_incident(actor=world.head, incident_id=incident.pk, appeal_id=second.pk)
    assert Appeal.objects.get(pk=second.pk).incident_id is None
    assert Event.objects.filter(appeal=second, action=Event.Action.REMOVE_FROM_INCIDENT).exists()
    with pytest.raises(DomainError):
        remove_from_incident(actor=world.head, incident_id=incident.pk, appeal_id=second.pk)


def test_one_answer_reaches_every_appeal_each_with_its_own_event_and_notice(world):
    appeals = _appeals(world)
    waiting = world_appeal(world, S.CLARIFICATION)
    before = {
        a.pk: (a.number, a.due_at) for a in Appeal.objects.filter(pk__in=[a.pk for a in appeals])
    }
    incident = _incident(world, [*appeals, waiting])
    outcome = answer_incident(
        actor=world.executor, incident_id=incident.pk, text="Теплотрасса восстановлена 3 декабря."
    )
    assert {a.pk for a in outcome.done} == {a.pk for a in appeals}
    assert [a.pk for a in outcome.skipped] == [waiting.pk]
    for appeal in Appeal.objects.filter(pk__in=[a.pk for a in appeals]):
        assert appeal.status == S.ANSWERED
        assert (appeal.number, appeal.due_at) == before[appeal.pk]  # kept
        assert Answer.objects.get(appeal=appeal).text == "Теплотрасса восстановлена 3 декабря."
        assert Event.objects.filter(appeal=appeal, action=Event.Action.ANSWER).count() == 1
        assert (
            Notification.objects.filter(
                appeal=appeal, template="answered", channel=Notification.Channel.IN_APP
            ).count()
            == 1
        )
    assert Appeal.objects.get(pk=waiting.pk).status == S.CLARIFICATION
    incident.refresh_from_db()
    assert incident.answered_at is not None
    # Each citizen rates their own appeal: one low rating reopens only that one.
    services.rate_appeal(citizen=world.citizen, appeal_id=appeals[0].pk, score=1, solved=False)
    statuses = dict(
        Appeal.objects.filter(pk__in=[a.pk for a in appeals]).values_list("pk", "status")
    )
    assert statuses[appeals[0].pk] == S.IN_PROGRESS and statuses[appeals[1].pk] == S.ANSWERED


def test_only_the_organizations_staff_answer(world, other_executor):
    incident = _incident(world, _appeals(world, count=1))
    for actor in (world.moderator, other_executor):
        with pytest.raises(NotAllowed):
            answer_incident(actor=actor, incident_id=incident.pk, text="Ответ.")
    assert not Answer.objects.exists()


def test_closing_closes_each_answered_appeal_with_an_event(world):
    appeals = _appeals(world)
    incident = _incident(world, appeals)
    answer_incident(actor=world.executor, incident_id=incident.pk, text="Восстановлено.")
    outcome = close_incident(actor=world.head, incident_id=incident.pk)
    assert len(outcome.done) == 3
    for appeal in Appeal.objects.filter(pk__in=[a.pk for a in appeals]):
        assert appeal.status == S.CLOSED and appeal.close_reason == Appeal.CloseReason.INCIDENT
        event = Event.objects.get(appeal=appeal, action=Event.Action.CLOSE)
        assert event.actor == world.head and event.from_status == S.ANSWERED
    notice = Notification.objects.filter(
        appeal=appeals[0], template="closed", channel=Notification.Channel.EMAIL
    ).get()
    assert "закрыто вместе с инцидентом" in render(notice)[1]
    incident.refresh_from_db()
    assert incident.closed_at is not None
    with pytest.raises(DomainError):  # closed: no more changes
        add_to_incident(actor=world.head, incident_id=incident.pk, appeal_id=appeals[0].pk)


def test_an_incident_with_an_unanswered_appeal_is_not_closed(world):
    appeals = _appeals(world, count=2)
    incident = _incident(world, appeals)
    with pytest.raises(DomainError) as error:
        close_incident(actor=world.moderator, incident_id=incident.pk)
    assert appeals[0].number in str(error.value.message)
    assert not Appeal.objects.filter(status=S.CLOSED).exists()
    assert Incident.objects.get(pk=incident.pk).closed_at is None
    with pytest.raises(NotAllowed):
        close_incident(actor=world.executor, incident_id=incident.pk)


# --- views ------------------------------------------------------------------------------------


def test_a_head_groups_from_the_queue(client, world):
    appeals = _appeals(world, count=2)
    client.force_login(world.head)
    queue = client.get(reverse("staff:home")).content.decode()
    assert "Объединить в инцидент" in queue
    ids = [str(a.pk) for a in appeals]
    response = client.post(reverse("staff:incident_new"), {"appeal": ids})
    assert response.status_code == 200 and "Название инцидента" in response.content.decode()
    response = client.post(reverse("staff:incident_new"), {"appeal": ids, "title": TITLE})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert TITLE in page and all(a.number in page for a in appeals)


def test_an_executor_cannot_group_from_a_forged_post(client, world):
    appeals = _appeals(world, count=2)
    client.force_login(world.executor)
    response = client.post(
        reverse("staff:incident_new"), {"appeal": [a.pk for a in appeals], "title": TITLE}
    )
    assert response.status_code == 302 and not Incident.objects.exists()


def test_a_moderator_groups_from_the_moderation_queue(client, world):
    appeals = _appeals(world, count=2, status=S.SUBMITTED, organization=None)
    client.force_login(world.moderator)
    queue = client.get(reverse("moderation:home")).content.decode()
    assert 'form="incident-form"' in queue and "Объединить в инцидент" in queue
    response = client.post(
        reverse("staff:incident_new"),
        {
            "appeal": [a.pk for a in appeals],
            "title": TITLE,
            "organization": world.organization.pk,
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().organization == world.organization


def test_the_incident_page_answers_and_closes(client, world):
    appeals = _appeals(world, count=2)
    incident = _incident(world, appeals)
    client.force_login(world.head)
    url = reverse("staff:incident", args=[incident.pk])
    response = client.post(reverse("staff:incident_answer", args=[incident.pk]), {"text": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("staff:incident_answer", args=[incident.pk]),
        {"text": "Восстановлено.", "outcome": "measures_taken"},
        follow=True,
    )
    assert "Ответ отправлен" in response.content.decode()
    assert {a.answers.get().outcome for a in appeals} == {"measures_taken"}
    response = client.post(reverse("staff:incident_close", args=[incident.pk]), follow=True)
    assert "Инцидент закрыт" in response.content.decode()
    assert set(Appeal.objects.values_list("status", flat=True)) == {S.CLOSED}
    page = client.get(url).content.decode()
    assert "Закрыть инцидент" not in page


def test_appeal_pages_say_they_belong_to_an_incident(client, world):
    (appeal,) = _appeals(world, count=1)
    incident = _incident(world, [appeal])
    client.force_login(world.executor)
    staff_page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert incident.get_absolute_url() in staff_page and TITLE in staff_page
    client.force_login(world.citizen)
    citizen_page = client.get(appeal.get_absolute_url()).content.decode()
    assert f"входит в инцидент «{TITLE}»" in citizen_page
    assert "включено в инцидент" in citizen_page  # the public event of the timeline
    submitted = world_appeal(world, S.SUBMITTED, organization=None)
    add_to_incident(actor=world.moderator, incident_id=incident.pk, appeal_id=submitted.pk)
    client.force_login(world.moderator)
    review = client.get(reverse("moderation:review", args=[submitted.number])).content.decode()
    assert incident.get_absolute_url() in review
    # Registration proposes the incident's organization, and says why, on the page and the queue.
    reason = f"организация, которая занимается инцидентом «{TITLE}»"
    assert reason in review
    assert f'<option value="{incident.organization_id}" selected>' in review
    assert reason in client.get(reverse("moderation:home")).content.decode()


def test_another_organizations_incident_is_a_404(client, world, other_executor):
    incident = _incident(world, _appeals(world, count=1))
    client.force_login(other_executor)
    assert client.get(reverse("staff:incident", args=[incident.pk])).status_code == 404
    assert incident.title not in client.get(reverse("staff:incidents")).content.decode()


def _count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_incident_page_and_the_list_cost_the_same_with_more_rows(client, world):
    incident = _incident(world, _appeals(world, count=1))
    client.force_login(world.head)
    page_url = reverse("staff:incident", args=[incident.pk])
    few_page = _count_queries(client, page_url)
    few_list = _count_queries(client, reverse("staff:incidents"))
    few_queue = _count_queries(client, reverse("staff:home") + "?sort=supporters")
    for appeal in _appeals(world, count=8):
        add_to_incident(actor=world.head, incident_id=incident.pk, appeal_id=appeal.pk)
    for _index in range(4):
        _incident(world, _appeals(world, count=2))
    assert _count_queries(client, page_url) == few_page
    assert _count_queries(client, reverse("staff:incidents")) == few_list
    assert _count_queries(client, reverse("staff:home") + "?sort=supporters") == few_queue
