import re
import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Event
from core import outbox
from core.errors import AlreadyDone, DomainError, NotAllowed
from core.models import Notification
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _submit(world, **extra):
    return services.submit_appeal(
        citizen=world.citizen,
        category=world.category,
        municipality=world.municipality,
        address="ул. Ленинская, 12",
        text="Не убран снег во дворе, к подъезду не пройти.",
        **extra,
    )


def _appeal(world, status, **fields):
    return world_appeal(world, status, **fields)


# --- filing ---------------------------------------------------------------------------------------


def test_submission_gets_the_next_public_number_of_its_region_and_local_year(world):
    with time_machine.travel(
        "2026-12-31T13:00:00Z"
    ):  # already 1 January 2027 in Kamchatka (UTC+12)
        first = _submit(world)
        second = _submit(world)
    assert first.number == "41-2027-000001"
    assert second.number == "41-2027-000002"
    assert first.status == S.SUBMITTED
    assert first.registration_due_at == first.submitted_at + timedelta(days=3)
    assert first.consent_version == services.CONSENT_VERSION
    assert Event.objects.get(appeal=first).action == "submit"


def test_the_same_form_submitted_twice_makes_one_appeal(world):
    key = uuid.uuid4()
    first = _submit(world, idempotency_key=key)
    again = _submit(world, idempotency_key=key)
    assert again.pk == first.pk
    assert Appeal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_citizens_submit_at_the_same_moment(world):
    numbers, errors = [], []

    def file_one():
        try:
            numbers.append(_submit(world).number)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(numbers)) == 8
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 9))


# --- moderation -----------------------------------------------------------------------------------


def test_accept_routes_by_the_rules_and_starts_the_term(world):
    appeal = _appeal(world, S.SUBMITTED)
    with time_machine.travel("2026-03-10T23:30:00+12:00"):
        appeal = services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    assert appeal.organization == world.organization
    assert appeal.due_at == datetime(
        2026, 3, 20, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Kamchatka")
    )
    registered = Notification.objects.get(appeal=appeal, template="registered", channel="in_app")
    assert registered.context["due"] == "20.03.2026"
    assert registered.context["organization"] == world.organization.name


def test_moderator_may_choose_another_organization_and_category(world):
    from tests.organizations.factories import CategoryFactory

    appeal = _appeal(world, S.SUBMITTED)
    lighting = CategoryFactory(name="Уличное освещение", term_days=30)
    appeal = services.accept_appeal(
        moderator=world.moderator,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        category=lighting,
    )
    assert appeal.organization == world.other_organization
    assert appeal.category == lighting


def test_accept_without_a_rule_explains_that_the_moderator_must_choose(world):
    from tests.organizations.factories import CategoryFactory

    appeal = _appeal(world, S.SUBMITTED, category=CategoryFactory(name="Выбросы в атмосферу"))
    with pytest.raises(DomainError) as error:
        services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    assert "Выбросы в атмосферу" in str(error.value.message)
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED


def test_moderator_of_another_region_cannot_accept(world):
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.organizations.factories import MembershipFactory, RegionFactory

    stranger = UserFactory(email="primorye@example.ru")
    MembershipFactory(
        user=stranger,
        organization=None,
        region=RegionFactory(code="25"),
        role=Membership.Role.MODERATOR,
    )
    appeal = _appeal(world, S.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.accept_appeal(moderator=stranger, appeal_id=appeal.pk)


def test_reject_keeps_the_ground_and_tells_the_citizen(world):
    appeal = _appeal(world, S.SUBMITTED)
    appeal = services.reject_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, ground="abusive", comment="Угрозы."
    )
    assert appeal.status == S.REJECTED and appeal.ground == "abusive"
    email = Notification.objects.get(appeal=appeal, template="rejected", channel="email")
    subject, body = outbox.render(email)
    assert appeal.number in subject
    assert "оскорбительные выражения или угрозы" in body


def test_mark_duplicate_points_to_the_original(world):
    original = _appeal(world, S.REGISTERED)
    copy = _appeal(world, S.SUBMITTED)
    copy = services.mark_duplicate(
        moderator=world.moderator, appeal_id=copy.pk, original_number=original.number
    )
    assert (
        copy.status == S.REJECTED and copy.ground == "duplicate" and copy.duplicate_of == original
    )


# --- redirect -------------------------------------------------------------------------------------


def test_redirect_within_7_days_gives_a_fresh_term(world):
    appeal = _appeal(
        world,
        S.IN_PROGRESS,
        registered_at=timezone.now() - timedelta(days=6),
        due_at=timezone.now() + timedelta(days=4),
    )
    appeal = services.redirect_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Краевая дорога.",
    )
    assert appeal.organization == world.other_organization
    assert appeal.status == S.REGISTERED and appeal.executor is None
    assert appeal.due_at > timezone.now() + timedelta(days=9)  # a new 10-day term


def test_redirect_after_7_days_keeps_the_original_deadline(world):
    due = timezone.now() + timedelta(days=2)
    appeal = _appeal(
        world, S.IN_PROGRESS, registered_at=timezone.now() - timedelta(days=8), due_at=due
    )
    appeal = services.redirect_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Краевая дорога.",
    )
    assert appeal.due_at == due


def test_a_complaint_is_never_sent_to_the_organization_it_complains_about(world):
    appeal = _appeal(world, S.IN_PROGRESS, complained_organization=world.other_organization)
    with pytest.raises(DomainError) as error:
        services.redirect_appeal(
            actor=world.executor,
            appeal_id=appeal.pk,
            organization=world.other_organization,
            reason="Их дорога.",
        )
    assert world.other_organization.name in str(error.value.message)


def test_after_three_redirects_only_the_moderator_decides(world):
    appeal = _appeal(world, S.REGISTERED, redirect_count=3)
    with pytest.raises(NotAllowed) as error:
        services.redirect_appeal(
            actor=world.executor,
            appeal_id=appeal.pk,
            organization=world.other_organization,
            reason="Не наше.",
        )
    assert "3" in str(error.value.message)
    appeal = services.redirect_appeal(
        actor=world.moderator,
        appeal_id=appeal.pk,
        organization=world.other_organization,
        reason="Решение модератора.",
    )
    assert appeal.redirect_count == 4


# --- extension ------------------------------------------------------------------------------------


def test_head_extends_once_by_at_most_30_days_before_the_deadline(world):
    appeal = _appeal(world, S.IN_PROGRESS)
    before = appeal.due_at
    with pytest.raises(DomainError):
        services.extend_deadline(head=world.head, appeal_id=appeal.pk, days=31, reason="Долго.")
    with pytest.raises(NotAllowed):
        services.extend_deadline(
            head=world.executor, appeal_id=appeal.pk, days=10, reason="Экспертиза."
        )
    appeal = services.extend_deadline(
        head=world.head, appeal_id=appeal.pk, days=10, reason="Экспертиза."
    )
    assert appeal.due_at.date() >= (before + timedelta(days=10)).date()
    with pytest.raises(DomainError) as error:
        services.extend_deadline(head=world.head, appeal_id=appeal.pk, days=5, reason="Ещё.")
    assert str(error.value.message) == "Срок рассмотрения этого обращения уже продлевался один раз."


def test_an_overdue_appeal_cannot_be_extended(world):
    appeal = _appeal(world, S.IN_PROGRESS, due_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(DomainError):
        services.extend_deadline(head=world.head, appeal_id=appeal.pk, days=10, reason="Поздно.")


# --- staff scope ----------------------------------------------------------------------------------


def test_staff_of_another_organization_cannot_work_on_the_appeal(world, other_executor):
    appeal = _appeal(world, S.REGISTERED)
    with pytest.raises(NotAllowed):
        services.take_appeal(executor=other_executor, appeal_id=appeal.pk)


def test_head_assigns_only_people_of_the_organization(world, other_executor):
    appeal = _appeal(world, S.REGISTERED)
    with pytest.raises(DomainError):
        services.assign_appeal(head=world.head, appeal_id=appeal.pk, executor=other_executor)
    appeal = services.assign_appeal(head=world.head, appeal_id=appeal.pk, executor=world.executor)
    assert appeal.executor == world.executor and appeal.status == S.IN_PROGRESS


def test_repeated_without_new_arguments_needs_the_head(world):
    appeal = _appeal(world, S.IN_PROGRESS)
    with pytest.raises(NotAllowed):
        services.close_on_ground(actor=world.executor, appeal_id=appeal.pk, ground="repeated")
    appeal = services.close_on_ground(actor=world.head, appeal_id=appeal.pk, ground="repeated")
    assert appeal.status == S.CLOSED and appeal.close_reason == "ground"


# --- rating ---------------------------------------------------------------------------------------


def test_a_good_rating_closes_the_appeal(world):
    appeal = _appeal(world, S.ANSWERED)
    appeal = services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=4, solved=True)
    assert appeal.status == S.CLOSED and appeal.close_reason == "rated"


@pytest.mark.parametrize(("score", "solved"), [(2, True), (5, False), (1, False)])
def test_a_low_rating_sends_the_appeal_back_once_with_a_fresh_term(world, score, solved):
    appeal = _appeal(world, S.ANSWERED, due_at=timezone.now() - timedelta(days=1))
    appeal = services.rate_appeal(
        citizen=world.citizen, appeal_id=appeal.pk, score=score, solved=solved
    )
    assert appeal.status == S.IN_PROGRESS and appeal.review_round == 1
    assert appeal.due_at > timezone.now() + timedelta(days=9)
    assert Notification.objects.filter(
        appeal=appeal, template="reopened", recipient=world.executor
    ).exists()


def test_a_second_low_rating_closes_and_flags_for_the_moderator(world):
    appeal = _appeal(world, S.ANSWERED)
    services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=1, solved=False)
    services.answer_appeal(
        actor=world.executor, appeal_id=appeal.pk, text="Повторно проверили, снег убран."
    )
    appeal = services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=2, solved=False)
    assert appeal.status == S.CLOSED and appeal.flagged_for_moderator
    assert appeal.close_reason == "low_after_review"
    assert Notification.objects.filter(
        appeal=appeal, template="flagged", recipient=world.moderator
    ).exists()
    assert appeal.answers.count() == 2


def test_rating_twice_is_refused(world):
    appeal = _appeal(world, S.ANSWERED)
    services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=5, solved=True)
    with pytest.raises(DomainError):
        services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=5, solved=True)


def test_only_the_author_rates(world, executor):
    appeal = _appeal(world, S.ANSWERED)
    with pytest.raises(NotAllowed):
        services.rate_appeal(citizen=executor, appeal_id=appeal.pk, score=5, solved=True)


# --- the outbox -----------------------------------------------------------------------------------


def test_pending_email_is_sent_once_even_when_delivered_twice(world):
    appeal = _appeal(world, S.SUBMITTED)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    email = Notification.objects.get(appeal=appeal, template="registered", channel="email")
    assert outbox.deliver(notification_id=email.pk) is True
    assert outbox.deliver(notification_id=email.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.citizen.email]
    assert appeal.number in message.subject
    assert re.search(r"/appeals/41-", message.body)
    email.refresh_from_db()
    assert email.status == Notification.Status.SENT and email.sent_at is not None


def test_a_failed_email_is_retried_later_and_finally_marked_failed(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        9,
        1,
    )  # nobody listens
    appeal = _appeal(world, S.SUBMITTED)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    email = Notification.objects.get(appeal=appeal, channel="email")
    assert outbox.deliver(notification_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == Notification.Status.PENDING and email.attempts == 1
    assert email.next_attempt_at > timezone.now()
    assert outbox.send_pending() == 0  # not due yet: the back-off holds it
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        outbox.send_pending()
    email.refresh_from_db()
    assert email.status == Notification.Status.FAILED
    assert email.last_error


def test_the_sweep_sends_what_is_pending(world):
    appeal = _appeal(world, S.SUBMITTED)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    assert outbox.send_pending() == 1
    assert outbox.send_pending() == 0
    assert len(mail.outbox) == 1


def test_in_app_notifications_are_read_by_their_recipient(world):
    appeal = _appeal(world, S.SUBMITTED)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    assert outbox.mark_read(user=world.executor) == 0
    assert outbox.mark_read(user=world.citizen) == 1


def test_a_repeat_by_someone_else_is_refused_not_ignored(world):
    appeal = _appeal(world, S.REGISTERED)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    with pytest.raises(AlreadyDone):
        services.take_appeal(executor=world.head, appeal_id=appeal.pk)


@pytest.mark.django_db(transaction=True)
def test_two_moderators_accepting_at_once_give_one_acceptance_and_one_clear_refusal(world, region):
    from organizations.models import Membership
    from tests.accounts.factories import UserFactory
    from tests.organizations.factories import MembershipFactory

    second = UserFactory(email="second.moderator@example.ru")
    MembershipFactory(user=second, organization=None, region=region, role=Membership.Role.MODERATOR)
    appeal = _appeal(world, S.SUBMITTED)
    barrier = threading.Barrier(2)
    results = {}

    def accept(moderator):
        try:
            barrier.wait(timeout=10)
            services.accept_appeal(moderator=moderator, appeal_id=appeal.pk)
            results[moderator.email] = "accepted"
        except AlreadyDone as error:
            results[moderator.email] = str(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(m,)) for m in (world.moderator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values(), key=lambda v: v != "accepted")[0] == "accepted"
    assert list(results.values()).count("accepted") == 1
    refusal = next(v for v in results.values() if v != "accepted")
    assert refusal  # a sentence for the moderator, not a server error
    assert Event.objects.filter(appeal=appeal, action="accept").count() == 1
    assert (
        Notification.objects.filter(appeal=appeal, template="registered", channel="email").count()
        == 1
    )


def test_failed_emails_can_be_retried_from_the_admin(client, world, platform_admin):
    appeal = _appeal(world, S.SUBMITTED)
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    email = Notification.objects.get(appeal=appeal, channel="email")
    Notification.objects.filter(pk=email.pk).update(status=Notification.Status.FAILED, attempts=6)
    client.force_login(platform_admin)
    response = client.post(
        "/admin/core/notification/", {"action": "retry", "_selected_action": [email.pk]}
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == Notification.Status.PENDING and email.attempts == 0
    assert outbox.send_pending() == 1


def test_appeals_are_read_only_in_the_admin(client, world, platform_admin):
    appeal = _appeal(world, S.REGISTERED)
    client.force_login(platform_admin)
    assert client.get("/admin/appeals/appeal/").status_code == 200
    page = client.get(f"/admin/appeals/appeal/{appeal.pk}/change/")
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
