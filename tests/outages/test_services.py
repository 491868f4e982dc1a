from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import AlreadyDone, DomainError, NotAllowed
from organizations.models import Membership
from outages import services
from outages.models import Outage, OutageEvent
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, MunicipalityFactory
from tests.places.factories import HouseFactory, SettlementFactory, StreetFactory

pytestmark = pytest.mark.django_db
A = OutageEvent.Action


def _publish(actor, supplier, world, period, **overrides):
    starts_at, ends_at = period
    fields = {
        "actor": actor,
        "organization": supplier,
        "kind": Outage.Kind.WATER,
        "municipality": world.municipality,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "description": "  Замена задвижки на водоводе.  ",
        **overrides,
    }
    return services.publish_outage(**fields)


def test_staff_publish_an_outage_of_houses_with_its_audit_row(
    world, supplier, supplier_executor, house_a, period, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        outage = _publish(supplier_executor, supplier, world, period, houses=[house_a])
    assert outage.status == Outage.Status.PUBLISHED and outage.region == world.region
    assert list(outage.houses.all()) == [house_a]
    assert outage.description == "Замена задвижки на водоводе."
    assert outage.published_by == supplier_executor
    event = outage.events.get()
    assert (event.action, event.actor) == (A.PUBLISH, supplier_executor)
    assert event.data["houses"] == [house_a.pk] and event.data["kind"] == "water"
    assert len(callbacks) == 1  # the subscribers' task, queued after commit


def test_a_head_publishes_too_and_without_houses_it_covers_the_municipality(
    world, supplier, period
):
    head = UserFactory()
    MembershipFactory(user=head, organization=supplier, role=Membership.Role.HEAD)
    outage = _publish(head, supplier, world, period, kind=Outage.Kind.HEATING, emergency=True)
    assert outage.emergency and not outage.houses.exists()
    assert outage.events.get().data["houses"] == []


@pytest.mark.parametrize("who", ["other_executor", "citizen", "moderator"])
def test_nobody_but_the_organizations_staff_publishes_for_it(request, world, supplier, period, who):
    actor = request.getfixturevalue(who) if who == "other_executor" else getattr(world, who)
    with pytest.raises(NotAllowed):
        _publish(actor, supplier, world, period)
    assert not Outage.objects.exists() and not OutageEvent.objects.exists()


def test_the_staff_of_one_organization_cannot_publish_for_another(world, supplier, period):
    # world.executor works for the municipal administration, not for the water supplier.
    with pytest.raises(NotAllowed):
        _publish(world.executor, supplier, world, period)
    assert not Outage.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_at": "start"}, "Окончание должно быть позже начала."),
        ({"starts_at": -30, "ends_at": -1}, "Окончание уже прошло"),
        ({"description": "   "}, "Напишите, что делается и почему"),
        ({"kind": "fireworks"}, "Выберите вид отключения"),
    ],
)
def test_a_bad_period_description_or_kind_is_refused(
    world, supplier, supplier_executor, period, change, message
):
    starts_at, ends_at = period
    fields = {}
    for name, value in change.items():
        if value == "start":
            fields[name] = starts_at
        elif isinstance(value, int):
            fields[name] = timezone.now() + timedelta(hours=value)
        else:
            fields[name] = value
    with pytest.raises(DomainError, match=message):
        _publish(supplier_executor, supplier, world, period, **fields)
    assert not Outage.objects.exists()


def test_houses_of_another_municipality_are_refused(world, supplier, supplier_executor, period):
    elsewhere = MunicipalityFactory(region=world.region, name="Елизовский муниципальный район")
    street = StreetFactory(settlement=SettlementFactory(municipality=elsewhere, name="Елизово"))
    house = HouseFactory(street=street, number="3")
    with pytest.raises(DomainError, match="не относятся к муниципальному образованию"):
        _publish(supplier_executor, supplier, world, period, houses=[house])


def test_an_edit_writes_what_changed_and_a_no_change_edit_writes_nothing(
    world, supplier, supplier_executor, house_a, house_b, period
):
    outage = _publish(supplier_executor, supplier, world, period, houses=[house_a])
    starts_at, ends_at = period
    later = ends_at + timedelta(hours=4)
    edited = services.edit_outage(
        actor=supplier_executor,
        outage_id=outage.pk,
        kind=Outage.Kind.WATER,
        municipality=world.municipality,
        starts_at=starts_at,
        ends_at=later,
        description="Замена задвижки на водоводе.",
        houses=[house_a, house_b],
    )
    assert edited.ends_at == later
    assert set(edited.houses.all()) == {house_a, house_b}
    event = outage.events.get(action=A.EDIT)
    assert event.actor == supplier_executor
    assert set(event.data["changed"]) == {"ends_at", "houses"}
    assert event.data["changed"]["houses"] == {
        "from": [house_a.pk],
        "to": sorted([house_a.pk, house_b.pk]),
    }
    services.edit_outage(
        actor=supplier_executor,
        outage_id=outage.pk,
        kind=Outage.Kind.WATER,
        municipality=world.municipality,
        starts_at=starts_at,
        ends_at=later,
        description="Замена задвижки на водоводе.",
        houses=[house_b, house_a],
    )
    assert outage.events.filter(action=A.EDIT).count() == 1


def test_another_organizations_staff_cannot_edit_or_cancel(
    world, supplier, supplier_executor, period
):
    outage = _publish(supplier_executor, supplier, world, period)
    starts_at, ends_at = period
    with pytest.raises(NotAllowed):
        services.edit_outage(
            actor=world.executor,
            outage_id=outage.pk,
            kind=Outage.Kind.GAS,
            municipality=world.municipality,
            starts_at=starts_at,
            ends_at=ends_at,
            description="Чужая правка",
        )
    with pytest.raises(NotAllowed):
        services.cancel_outage(actor=world.head, outage_id=outage.pk, reason="чужая отмена")
    outage.refresh_from_db()
    assert outage.kind == Outage.Kind.WATER and outage.status == Outage.Status.PUBLISHED
    assert list(outage.events.values_list("action", flat=True)) == [A.PUBLISH]


def test_cancel_with_its_reason_once_and_then_no_more_edits(
    world, supplier, supplier_executor, period
):
    outage = _publish(supplier_executor, supplier, world, period)
    cancelled = services.cancel_outage(
        actor=supplier_executor, outage_id=outage.pk, reason=" Работы перенесены. "
    )
    assert cancelled.status == Outage.Status.CANCELLED and cancelled.cancelled_at is not None
    assert cancelled.cancel_reason == "Работы перенесены."
    # The same person's second click changes nothing; a colleague is told it is done.
    services.cancel_outage(actor=supplier_executor, outage_id=outage.pk)
    colleague = UserFactory()
    MembershipFactory(user=colleague, organization=supplier, role=Membership.Role.EXECUTOR)
    with pytest.raises(AlreadyDone):
        services.cancel_outage(actor=colleague, outage_id=outage.pk)
    event = outage.events.get(action=A.CANCEL)
    assert (event.actor, event.comment) == (supplier_executor, "Работы перенесены.")
    starts_at, ends_at = period
    with pytest.raises(DomainError, match="Отменённое отключение изменить нельзя"):
        services.edit_outage(
            actor=supplier_executor,
            outage_id=outage.pk,
            kind=Outage.Kind.WATER,
            municipality=world.municipality,
            starts_at=starts_at,
            ends_at=ends_at,
            description="Снова",
        )


def test_subscribing_twice_keeps_one_subscription_and_a_house_must_be_in_the_area(world, house_a):
    first = services.subscribe(user=world.citizen, municipality=world.municipality, house=house_a)
    again = services.subscribe(user=world.citizen, municipality=world.municipality, house=house_a)
    whole = services.subscribe(user=world.citizen, municipality=world.municipality)
    assert first == again and whole != first
    assert world.citizen.outage_subscriptions.count() == 2
    elsewhere = MunicipalityFactory(region=world.region)
    with pytest.raises(DomainError):
        services.subscribe(user=world.citizen, municipality=elsewhere, house=house_a)
    assert services.unsubscribe(subscription_id=first.pk) is True
    assert services.unsubscribe(subscription_id=first.pk) is False
