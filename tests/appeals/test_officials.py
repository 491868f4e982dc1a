"""Appeals addressed to an official; a complaint about an official's actions never reaches them."""

import pytest

from appeals import services
from appeals.models import AnswerDraft, Appeal, Event
from appeals.selectors import with_routes
from appeals.services import officials, rights, signing
from appeals.workflow import IllegalTransition
from core.errors import DomainError, NotAllowed
from organizations import services as organization_services
from organizations.models import Membership, Official
from regimes.models import Regime, RegimeRule
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


@pytest.fixture
def deputy(world):
    """A deputy head of the world's organization who works on the platform, and is listed."""
    user = UserFactory(email="deputy@example.ru", last_name="Сидоров", first_name="Семён")
    membership = MembershipFactory(
        user=user, organization=world.organization, role=Membership.Role.HEAD
    )
    official = Official.objects.create(
        organization=world.organization,
        name="Сидоров Семён Семёнович",
        position="заместитель главы администрации",
        membership=membership,
        order=2,
    )
    return user, official


def _about(world, official, status=S.IN_PROGRESS, **fields):
    return world_appeal(world, status, complained_official=official, **fields)


# --- the list of officials -----------------------------------------------------------------


def test_the_head_lists_corrects_and_unlists_officials(world):
    official = organization_services.add_official(
        head=world.head,
        organization_id=world.organization.pk,
        name="  Иванов Иван Иванович ",
        position="глава администрации",
        order=1,
    )
    assert official.name == "Иванов Иван Иванович" and official.is_active
    membership = Membership.objects.get(user=world.executor, organization=world.organization)
    changed = organization_services.change_official(
        head=world.head,
        official_id=official.pk,
        name="Иванов Иван Иванович",
        position="глава",
        membership=membership,
        order=3,
        is_active=False,
    )
    assert (changed.position, changed.membership, changed.order, changed.is_active) == (
        "глава",
        membership,
        3,
        False,
    )


@pytest.mark.parametrize("case", ["executor", "other_head", "foreign_member", "no_name", "order"])
def test_the_list_refuses_others_and_bad_input(world, case):
    other_head = UserFactory()
    MembershipFactory(user=other_head, organization=world.other_organization, role="head")
    foreign = MembershipFactory(organization=world.other_organization, user=UserFactory())
    kwargs = {
        "head": world.head,
        "organization_id": world.organization.pk,
        "name": "Иванов И. И.",
        "position": "глава",
    }
    kwargs |= {
        "executor": {"head": world.executor},
        "other_head": {"head": other_head},
        "foreign_member": {"membership": foreign},
        "no_name": {"name": "   "},
        "order": {"order": 40000},
    }[case]
    expected = NotAllowed if case in ("executor", "other_head") else DomainError
    with pytest.raises(expected) as error:
        organization_services.add_official(**kwargs)
    assert error.value.message
    assert not Official.objects.exists()


def test_a_head_of_the_parent_keeps_the_list_of_a_subordinate(world):
    child = OrganizationFactory(region=world.region, parent=world.organization)
    official = organization_services.add_official(
        head=world.head, organization_id=child.pk, name="Орлова О. О.", position="директор"
    )
    assert official.organization == child


# --- addressed to an official ----------------------------------------------------------------


def test_an_appeal_addressed_to_an_official_goes_to_their_organization(world, deputy):
    _user, official = deputy
    other = OrganizationFactory(region=world.region)
    addressed_elsewhere = Official.objects.create(
        organization=other, name="Кузнецов К. К.", position="директор"
    )
    appeal = services.submit_appeal(
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        address="ул. Ленинская, 12",
        text="Прошу лично проверить уборку снега во дворе.",
        addressee=addressed_elsewhere,
    )
    assert appeal.addressee == addressed_elsewhere
    (routed,) = with_routes([Appeal.objects.select_related("category").get(pk=appeal.pk)])
    assert routed.routed_to == other
    assert routed.route.reason == "организация должностного лица, которому адресовано обращение"
    appeal = services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    assert appeal.organization == other and appeal.addressee == addressed_elsewhere


def test_an_unlisted_official_cannot_be_addressed(world, deputy):
    _user, official = deputy
    Official.objects.filter(pk=official.pk).update(is_active=False)
    official.refresh_from_db()
    with pytest.raises(DomainError):
        services.submit_appeal(
            citizen=world.citizen,
            category=world.category,
            municipality=world.municipality,
            address="ул. Ленинская, 12",
            text="Прошу лично проверить уборку снега во дворе.",
            addressee=official,
        )
    assert not Appeal.objects.exists()


# --- a complaint about an official's actions --------------------------------------------------


def test_the_official_complained_about_cannot_take_or_be_assigned_it(world, deputy):
    user, official = deputy
    appeal = _about(world, official, S.REGISTERED, executor=None)
    with pytest.raises(DomainError) as error:
        services.take_appeal(executor=user, appeal_id=appeal.pk)
    assert "Сидоров Семён Семёнович" in str(error.value.message)
    with pytest.raises(DomainError):
        services.assign_appeal(head=world.head, appeal_id=appeal.pk, executor=user)
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED and appeal.executor is None
    assert not appeal.events.filter(action__in=["take", "assign"]).exists()
    # anyone else of the organization may
    services.assign_appeal(head=world.head, appeal_id=appeal.pk, executor=world.executor)
    appeal.refresh_from_db()
    assert appeal.executor == world.executor


def test_nor_answer_ask_to_clarify_or_send_an_answer_for_signature(world, deputy):
    user, official = deputy
    appeal = _about(world, official, S.REGISTERED, executor=None)
    for attempt in (
        lambda: services.answer_appeal(actor=user, appeal_id=appeal.pk, text="Нарушений нет."),
        lambda: services.request_clarification(actor=user, appeal_id=appeal.pk, text="Где?"),
        lambda: signing.send_for_signature(actor=user, appeal_id=appeal.pk, text="Нарушений нет."),
    ):
        with pytest.raises(DomainError):
            attempt()
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED and not appeal.answers.exists()


@pytest.fixture
def signed_by_head(world):
    """The 59-FZ regime at every body: the head signs the answer."""
    RegimeRule.objects.create(regime=Regime.objects.get(code="59-fz"))
    world.citizen.identity_verified_at = "2026-01-01T00:00:00+00:00"
    world.citizen.save()


def test_nor_sign_the_answer_or_return_it(world, deputy, signed_by_head):
    user, official = deputy
    appeal = world_appeal(world, S.SUBMITTED)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    Appeal.objects.filter(pk=appeal.pk).update(complained_official=official)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    assert AnswerDraft.objects.filter(appeal=appeal).exists()
    appeal.refresh_from_db()
    assert signing.may_sign(user, appeal) is False and signing.may_sign(world.head, appeal)
    with pytest.raises(DomainError) as error:
        signing.sign_answer(signer=user, appeal_id=appeal.pk)
    assert "Сидоров Семён Семёнович" in str(error.value.message)
    with pytest.raises(DomainError):
        signing.return_for_rework(signer=user, appeal_id=appeal.pk, comment="Переделать.")
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and not appeal.answers.exists()
    # the signature request went to the other head only
    assert not user.notifications.filter(template="signature_needed").exists()
    signing.sign_answer(signer=world.head, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED


def test_the_moderator_marks_a_complaint_and_takes_it_from_the_official(world, deputy):
    user, official = deputy
    appeal = world_appeal(world, S.IN_PROGRESS, executor=user)
    appeal = officials.mark_complaint_about_official(
        moderator=world.moderator, appeal_id=appeal.pk, official=official
    )
    assert appeal.complained_official == official and appeal.executor is None
    event = appeal.events.get(action=Event.Action.COMPLAINT_ABOUT_OFFICIAL)
    assert event.data == {"official": official.pk, "executor_removed": True}
    assert not event.is_public
    with pytest.raises(DomainError):
        services.take_appeal(executor=user, appeal_id=appeal.pk)


def test_marking_is_for_the_regions_moderator_before_the_answer(world, deputy):
    _user, official = deputy
    with pytest.raises(NotAllowed):
        officials.mark_complaint_about_official(
            moderator=world.head, appeal_id=world_appeal(world, S.IN_PROGRESS).pk, official=official
        )
    with pytest.raises(IllegalTransition):
        officials.mark_complaint_about_official(
            moderator=world.moderator,
            appeal_id=world_appeal(world, S.ANSWERED).pk,
            official=official,
        )
    faraway = Official.objects.create(
        organization=OrganizationFactory(region=RegionFactory(code="25", name="Приморский край")),
        name="Далёкий Д. Д.",
        position="директор",
    )
    with pytest.raises(DomainError):
        officials.mark_complaint_about_official(
            moderator=world.moderator,
            appeal_id=world_appeal(world, S.IN_PROGRESS).pk,
            official=faraway,
        )


def test_a_complaint_about_an_answer_complains_about_whoever_signed_it(world, deputy):
    user, official = deputy
    parent = OrganizationFactory(region=world.region, name="Министерство ЖКХ")
    world.organization.parent = parent
    world.organization.save()
    # the deputy also heads the supervising body: the complaint still never reaches them
    MembershipFactory(user=user, organization=parent, role=Membership.Role.HEAD)
    appeal = world_appeal(world, S.ANSWERED, executor=world.executor)
    appeal.answers.update(signed_by=user)
    complaint = rights.complain_about_answer(
        citizen=world.citizen, appeal_id=appeal.pk, text="Ответ формальный, снег так и лежит."
    )
    assert complaint.complained_official == official
    complaint = services.accept_appeal(moderator=world.moderator, appeal_id=complaint.pk)
    assert complaint.organization == parent
    with pytest.raises(DomainError):
        services.take_appeal(executor=user, appeal_id=complaint.pk)
