"""Old accept, make_official and redirect events get the organizations the Decree 171 ledger reads
(reporting 0002): the report of old data is then the report of the same data written today."""

import pytest
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Event
from core.models import Notification
from organizations.models import Membership, Organization
from reporting.backfill import backfill_event_organizations
from reporting.report import monthly_report
from tests.accounts.factories import UserFactory
from tests.appeals import conftest as appeals_fixtures
from tests.appeals.factories import world_appeal
from tests.organizations.factories import CategoryFactory, MembershipFactory

pytestmark = pytest.mark.django_db
demo_rules = appeals_fixtures.demo_rules
S = Appeal.Status
A = Event.Action


def _figures(world) -> dict:
    report = monthly_report(
        region_id=world.region.pk, zone=world.region.timezone, month=timezone.localdate()
    )
    return {row.organization_id: row.figures for row in report.rows}


def _as_written_before(events) -> None:
    """What the events looked like before they carried the organizations (commit 66c6c02)."""
    for event in events:
        data = dict(event.data)
        data.pop("from", None)
        if event.action != A.REDIRECT:
            data.pop("organization", None)
        Event.objects.filter(pk=event.pk).update(data=data)


def _backfill() -> int:
    return backfill_event_organizations(
        Appeal, Event, Membership, Organization, Notification, batch=2
    )


def test_old_events_get_their_organizations_and_the_report_is_right(world, demo_rules):
    Organization.objects.filter(pk__in=[world.organization.pk, world.other_organization.pk]).update(
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION
    )
    category = CategoryFactory(parent=world.category.parent, term_days=30)
    third = world.other_organization
    sender = UserFactory(email="sender@example.ru")
    MembershipFactory(user=sender, organization=third, role=Membership.Role.EXECUTOR)
    appeals = []
    for _index in range(3):
        appeal = world_appeal(world, S.SUBMITTED, category=category)
        services.accept_appeal(
            moderator=world.moderator, appeal_id=appeal.pk, organization=world.organization
        )
        appeals.append(appeal)
    # One redirected by the moderator, one redirected on and back by an executor of the second.
    services.redirect_appeal(
        actor=world.moderator, appeal_id=appeals[0].pk, organization=third, reason="Не наш."
    )
    services.redirect_appeal(
        actor=world.moderator, appeal_id=appeals[1].pk, organization=third, reason="Не наш."
    )
    services.redirect_appeal(
        actor=sender, appeal_id=appeals[1].pk, organization=world.organization, reason="Не наш."
    )
    events = list(Event.objects.filter(action__in=[A.ACCEPT, A.REDIRECT]))
    expected = {event.pk: event.data for event in events}
    today = _figures(world)
    assert today[world.organization.pk]["received"] == 4
    assert today[third.pk]["received"] == 2 and today[third.pk]["forwarded"] == 1

    _as_written_before(events)
    assert _figures(world) != today  # the ledger misses who received and who forwarded

    filled = _backfill()
    # The moderator's redirects name no sender by their actor: the «registered» notice tells where
    # the appeal was registered; the executor's redirect is sent by their only organization.
    restored = {event.pk: event.data for event in Event.objects.filter(pk__in=expected)}
    assert restored == expected
    assert filled == len(events)
    assert _figures(world) == today

    assert _backfill() == 0  # idempotent: nothing is missing any more
    assert {e.pk: e.data for e in Event.objects.filter(pk__in=expected)} == expected


def test_a_sender_nobody_can_tell_is_left_out_and_nothing_is_invented(world, demo_rules):
    appeal = world_appeal(world, S.SUBMITTED)
    services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, organization=world.organization
    )
    services.redirect_appeal(
        actor=world.moderator,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Не наш.",
    )
    events = list(Event.objects.filter(appeal=appeal, action__in=[A.ACCEPT, A.REDIRECT]))
    _as_written_before(events)
    Notification.objects.filter(appeal=appeal, template="registered").delete()
    _backfill()
    accept = Event.objects.get(appeal=appeal, action=A.ACCEPT)
    redirect = Event.objects.get(appeal=appeal, action=A.REDIRECT)
    assert redirect.data["organization"] == world.other_organization.pk
    assert "from" not in redirect.data and "organization" not in accept.data
