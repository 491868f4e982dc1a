"""Copies to several competent bodies: one appeal, a part per organization, one consolidated answer."""

import io
from datetime import timedelta
from itertools import permutations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from appeals import services
from appeals.deadlines import fill_calendar
from appeals.models import Appeal, Attachment, Event
from appeals.selectors import staff as staff_selectors
from appeals.services import copies, rights, sweeps
from appeals.workflow import IllegalTransition
from core.errors import DomainError, NotAllowed
from core.models import Notification
from organizations.models import Membership, Organization
from regimes.models import Regime, RegimeRule
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
K = Organization.Kind
KAMCHATKA = ZoneInfo("Asia/Kamchatka")
# A Friday in Kamchatka: the housing rules' 10 working days and 59-FZ's 30 calendar days differ.
REGISTERED_AT = "2026-03-13T10:00:00+12:00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bodies(world):
    """Two more competent bodies of the region, each with an executor: a management company
    (housing rules) and the regional ministry (59-FZ)."""
    regimes = {regime.code: regime for regime in Regime.objects.all()}
    RegimeRule.objects.create(regime=regimes["59-fz"])
    RegimeRule.objects.create(regime=regimes["housing"], organization_kind=K.MANAGEMENT_COMPANY)
    world.citizen.identity_verified_at = timezone.now()
    world.citizen.save()
    company = OrganizationFactory(
        region=world.region, kind=K.MANAGEMENT_COMPANY, name="УК «Северная»"
    )
    ministry = world.other_organization
    people = {}
    for organization in (company, ministry):
        people[organization.pk] = UserFactory(email=f"executor.{organization.slug}@example.ru")
        MembershipFactory(
            user=people[organization.pk], organization=organization, role=Membership.Role.EXECUTOR
        )
    people[world.organization.pk] = world.executor
    return {"company": company, "ministry": ministry, "people": people}


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 20, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("yard.jpg", buffer.getvalue(), content_type="image/jpeg")


def _sent_to_three(world, bodies) -> Appeal:
    """Registered at the lead organization with copies to the company and the ministry."""
    appeal = world_appeal(world, S.SUBMITTED)
    with time_machine.travel(REGISTERED_AT, tick=False):
        return services.accept_appeal(
            moderator=world.moderator,
            appeal_id=appeal.pk,
            organization=world.organization,
            copies=[bodies["company"], bodies["ministry"]],
        )


def _answer(bodies, part: Appeal, text="Ответ по своей части.") -> Appeal:
    executor = bodies["people"][part.organization_id]
    return services.answer_appeal(actor=executor, appeal_id=part.pk, text=text, outcome="explained")


def _answer_part_without_signature(world, bodies, part):
    # 59-FZ asks for the head's signature: the test signs as the head where there is one.
    if part.organization_id == world.organization.pk:
        return services.answer_appeal(
            actor=world.head, appeal_id=part.pk, text="Ответ администрации.", outcome="explained"
        )
    head = UserFactory()
    MembershipFactory(user=head, organization=part.organization, role=Membership.Role.HEAD)
    return services.answer_appeal(
        actor=head, appeal_id=part.pk, text="Ответ по своей части.", outcome="explained"
    )


def _notices(world, template):
    return Notification.objects.filter(
        recipient=world.citizen, template=template, channel=Notification.Channel.IN_APP
    )


# --- sending --------------------------------------------------------------------------------


def test_registering_with_copies_gives_each_body_its_own_part_term_and_regime(world, bodies):
    fill_calendar(years=[2026])
    main = _sent_to_three(world, bodies)
    assert main.status == S.REGISTERED and main.organization == world.organization
    parts = list(main.copies.order_by("pk"))
    assert [part.number for part in parts] == [f"{main.number}-2", f"{main.number}-3"]
    company_part, ministry_part = parts
    assert company_part.organization == bodies["company"]
    assert ministry_part.organization == bodies["ministry"]
    assert all(part.status == S.REGISTERED for part in parts)
    # each under its own regime: 10 working days at the company, 30 calendar days elsewhere
    assert company_part.regime_version.regime.code == "housing"
    assert company_part.due_at.astimezone(KAMCHATKA).date().isoformat() == "2026-03-27"
    assert ministry_part.regime_version.regime.code == "59-fz"
    assert ministry_part.due_at == main.due_at
    assert main.due_at.astimezone(KAMCHATKA).date().isoformat() == "2026-04-12"
    # the main appeal's event names the copies; each copy's own timeline starts with it
    event = main.events.get(action=Event.Action.SEND_COPIES)
    assert event.actor == world.moderator and event.is_public
    assert [c["number"] for c in event.data["copies"]] == [p.number for p in parts]
    for part in parts:
        assert list(part.events.values_list("action", flat=True)) == ["submit", "accept"]
        assert part.events.get(action="submit").data["copy_of"] == main.number
    # one notice names every body; no separate «registered» notice per copy
    sent = _notices(world, "copies_sent").get()
    assert [p["organization"] for p in sent.context["parts"]] == [
        "УК «Северная»",
        bodies["ministry"].name,
    ]
    assert sent.context["lead"] == world.organization.name
    assert _notices(world, "registered").count() == 1


def test_each_body_finds_its_part_in_its_own_queue_and_nothing_of_the_others(world, bodies):
    main = _sent_to_three(world, bodies)
    company_executor = bodies["people"][bodies["company"].pk]
    queue = staff_selectors.queue(user=company_executor, filters=staff_selectors.QueueFilter())
    assert [appeal.number for appeal in queue] == [f"{main.number}-2"]
    lead_queue = staff_selectors.queue(user=world.executor, filters=staff_selectors.QueueFilter())
    assert [appeal.number for appeal in lead_queue] == [main.number]


def test_the_citizens_files_go_with_each_copy(world, bodies):
    appeal = services.submit_appeal(
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        address="ул. Ленинская, 12",
        text="Во дворе не убран снег уже неделю, к подъезду не пройти.",
        uploads=[_photo()],
    )
    services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, copies=[bodies["ministry"]]
    )
    copy = appeal.copies.get()
    (original,) = Attachment.objects.filter(appeal=appeal)
    (copied,) = Attachment.objects.filter(appeal=copy)
    assert copied.file.name == original.file.name and copied.original_name == "yard.jpg"


def test_copies_from_the_moderation_page_of_an_appeal_under_review(world, bodies):
    main = world_appeal(world, S.IN_PROGRESS)
    made = copies.send_copies(
        moderator=world.moderator,
        appeal_id=main.pk,
        organizations=[bodies["ministry"]],
        comment="Вопрос о дороге — краевой.",
    )
    assert [copy.organization for copy in made] == [bodies["ministry"]]
    main.refresh_from_db()
    assert main.status == S.IN_PROGRESS  # the main appeal's review goes on
    more = copies.send_copies(
        moderator=world.moderator, appeal_id=main.pk, organizations=[bodies["company"]]
    )
    assert more[0].number == f"{main.number}-3"


@pytest.mark.parametrize(
    "case",
    ["lead", "twice", "complained", "other_region", "inactive", "none", "from_copy"],
)
def test_refused_copies_change_nothing(world, bodies, case):
    main = world_appeal(world, S.REGISTERED, complained_organization=bodies["company"])
    copies.send_copies(
        moderator=world.moderator, appeal_id=main.pk, organizations=[bodies["ministry"]]
    )
    elsewhere = OrganizationFactory(region=RegionFactory(code="25", name="Приморский край"))
    inactive = OrganizationFactory(region=world.region, is_active=False)
    target, organizations = (
        main,
        {
            "lead": [world.organization],
            "twice": [bodies["ministry"]],
            "complained": [bodies["company"]],
            "other_region": [elsewhere],
            "inactive": [inactive],
            "none": [],
            "from_copy": [OrganizationFactory(region=world.region)],
        }[case],
    )
    if case == "from_copy":
        target = main.copies.get()
    before = Appeal.objects.count(), Event.objects.count()
    with pytest.raises(DomainError) as error:
        copies.send_copies(
            moderator=world.moderator, appeal_id=target.pk, organizations=organizations
        )
    assert error.value.message
    assert (Appeal.objects.count(), Event.objects.count()) == before


def test_a_refused_copy_at_registration_leaves_the_appeal_unregistered(world, bodies):
    appeal = world_appeal(world, S.SUBMITTED, complained_organization=bodies["company"])
    with pytest.raises(DomainError):
        services.accept_appeal(
            moderator=world.moderator, appeal_id=appeal.pk, copies=[bodies["company"]]
        )
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED and not appeal.copies.exists()


def test_only_a_moderator_of_the_region_sends_copies_and_only_under_review(world, bodies):
    with pytest.raises(NotAllowed):
        copies.send_copies(
            moderator=world.head,
            appeal_id=world_appeal(world, S.REGISTERED).pk,
            organizations=[bodies["ministry"]],
        )
    for status in (S.SUBMITTED, S.ANSWERED, S.CLOSED, S.REJECTED):
        with pytest.raises(IllegalTransition):
            copies.send_copies(
                moderator=world.moderator,
                appeal_id=world_appeal(world, status).pk,
                organizations=[bodies["ministry"]],
            )


# --- the consolidated answer ------------------------------------------------------------------


@pytest.mark.parametrize("order", list(permutations(range(3))), ids=lambda o: "-".join(map(str, o)))
def test_one_consolidated_notice_when_the_last_of_three_parts_is_answered(world, bodies, order):
    main = _sent_to_three(world, bodies)
    parts = [main, *main.copies.order_by("pk")]
    for step, index in enumerate(order):
        _answer_part_without_signature(world, bodies, parts[index])
        last = step == len(order) - 1
        assert _notices(world, "answered").count() == 0
        assert _notices(world, "answered_all").count() == (1 if last else 0)
        assert Event.objects.filter(action=Event.Action.CONSOLIDATE_ANSWERS).count() == (
            1 if last else 0
        )
    main.refresh_from_db()
    assert main.consolidated_at is not None
    event = main.events.get(action=Event.Action.CONSOLIDATE_ANSWERS)
    assert event.data["parts"] == [part.number for part in parts]
    notice = _notices(world, "answered_all").get()
    assert [p["organization"] for p in notice.context["parts"]] == [
        world.organization.name,
        "УК «Северная»",
        bodies["ministry"].name,
    ]
    # the rating requests start with the consolidated answer, for every part
    assert set(
        Appeal.objects.filter(pk__in=[p.pk for p in parts]).values_list(
            "rating_requested_at", flat=True
        )
    ) == {main.consolidated_at}


def test_until_then_no_part_can_be_rated_nor_is_reminded_or_closed_unrated(world, bodies):
    main = _sent_to_three(world, bodies)
    _answer_part_without_signature(world, bodies, main)
    main.refresh_from_db()
    assert main.status == S.ANSWERED and main.rating_requested_at is None
    with pytest.raises(DomainError) as error:
        services.rate_appeal(citizen=world.citizen, appeal_id=main.pk, score=5, solved=True)
    assert "ответы оцениваются, когда ответят все" in str(error.value.message)
    assert not main.ratings.exists()
    later = timezone.now() + timedelta(days=30)
    assert sweeps.remind_to_rate(now=later) == 0
    assert sweeps.close_unrated(now=later) == 0
    main.refresh_from_db()
    assert main.status == S.ANSWERED


def test_after_the_consolidated_answer_one_reminder_and_the_parts_close_together(world, bodies):
    main = _sent_to_three(world, bodies)
    parts = [main, *main.copies.order_by("pk")]
    for part in parts:
        _answer_part_without_signature(world, bodies, part)
    later = timezone.now() + timedelta(days=4)
    assert sweeps.remind_to_rate(now=later) == 1  # the main appeal's only
    assert _notices(world, "rating_reminder").get().appeal == main
    services.rate_appeal(citizen=world.citizen, appeal_id=main.pk, score=5, solved=True)
    assert sweeps.close_unrated(now=timezone.now() + timedelta(days=11)) == 2
    assert set(Appeal.objects.filter(copy_of=main).values_list("status", flat=True)) == {S.CLOSED}
    # the copies closing unrated tell the citizen nothing more: the main appeal's notice did
    closed = Notification.objects.filter(
        recipient=world.citizen, template="closed", channel="in_app"
    )
    assert [n.appeal for n in closed] == [main]


def test_a_part_closed_on_a_ground_counts_as_done(world, bodies):
    main = _sent_to_three(world, bodies)
    company_part, ministry_part = main.copies.order_by("pk")
    _answer_part_without_signature(world, bodies, main)
    services.close_on_ground(
        actor=bodies["people"][bodies["company"].pk],
        appeal_id=company_part.pk,
        ground="out_of_scope",
    )
    assert _notices(world, "answered_all").count() == 0
    _answer_part_without_signature(world, bodies, ministry_part)
    notice = _notices(world, "answered_all").get()
    assert [p["answered"] for p in notice.context["parts"]] == [True, False, True]


def test_the_consolidated_answer_carries_the_texts_when_asked_by_email(world, bodies):
    appeal = world_appeal(world, S.SUBMITTED, answer_by_email=True)
    main = services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, copies=[bodies["ministry"]]
    )
    _answer_part_without_signature(world, bodies, main)
    _answer_part_without_signature(world, bodies, main.copies.get())
    notice = _notices(world, "answered_all").get()
    assert [p["answer_text"] for p in notice.context["parts"]] == [
        "Ответ администрации.",
        "Ответ по своей части.",
    ]


def test_consolidating_by_hand_before_the_last_part_is_refused(world, bodies):
    main = _sent_to_three(world, bodies)
    _answer_part_without_signature(world, bodies, main)
    with pytest.raises(DomainError) as error:
        copies.consolidate_answers(appeal_id=main.pk)
    assert "УК «Северная»" in str(error.value.message)
    with pytest.raises(DomainError):
        copies.consolidate_answers(appeal_id=main.copies.first().pk)


def test_an_appeal_without_copies_is_answered_as_before(world):
    appeal = world_appeal(world, S.IN_PROGRESS)
    services.answer_appeal(actor=world.head, appeal_id=appeal.pk, text="Снег убран.")
    assert _notices(world, "answered").count() == 1
    assert _notices(world, "answered_all").count() == 0
    appeal.refresh_from_db()
    assert appeal.rating_requested_at is not None


def test_withdrawing_the_appeal_stops_every_part(world, bodies):
    main = _sent_to_three(world, bodies)
    heads = {}
    for organization in (bodies["company"], bodies["ministry"]):
        heads[organization.pk] = UserFactory()
        MembershipFactory(user=heads[organization.pk], organization=organization, role="head")
    rights.withdraw_appeal(citizen=world.citizen, appeal_id=main.pk, reason="Всё починили.")
    parts = Appeal.objects.filter(pk__in=[main.pk, *main.copies.values_list("pk", flat=True)])
    assert set(parts.values_list("status", "ground")) == {(S.CLOSED, "withdrawn")}
    assert _notices(world, "closed").count() == 1  # one notice for the appeal the citizen follows
    for head in heads.values():  # each organization is told its part stops
        assert head.notifications.filter(template="withdrawn").count() == 1
    assert _notices(world, "answered_all").count() == 0


def test_a_part_withdrawn_last_sends_the_others_answers_at_once(world, bodies):
    main = _sent_to_three(world, bodies)
    company_part, ministry_part = main.copies.order_by("pk")
    _answer_part_without_signature(world, bodies, main)
    _answer_part_without_signature(world, bodies, ministry_part)
    assert _notices(world, "answered_all").count() == 0
    rights.withdraw_appeal(citizen=world.citizen, appeal_id=company_part.pk)
    notice = _notices(world, "answered_all").get()
    assert [p["answered"] for p in notice.context["parts"]] == [True, False, True]
    main.refresh_from_db()
    assert main.status == S.ANSWERED
