"""The background sweeps as services, with frozen time: the right appeals, each once, twice is a no-op."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from appeals import services
from appeals.models import Appeal, Event, SweepRun
from appeals.services import sweeps
from core import outbox
from core.models import Notification
from tests.appeals.factories import make_appeal, world_appeal

S = Appeal.Status
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _open(world, *, due_in: timedelta, status=S.IN_PROGRESS, **fields):
    return world_appeal(
        world,
        status,
        due_at=timezone.now() + due_in,
        **fields,
    )


def _alerts(template: str, **filters):
    return Notification.objects.filter(template=template, **filters)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_overdue_marks_exactly_the_open_appeals_past_their_term_once(world, frozen):
    late = _open(world, due_in=-timedelta(hours=1))
    waiting = _open(world, due_in=-timedelta(days=2), status=S.CLARIFICATION)
    not_yet = _open(world, due_in=timedelta(hours=1))
    answered_late = make_appeal(
        S.ANSWERED,
        organization=world.organization,
        region=world.region,
        due_at=timezone.now() - timedelta(days=1),
    )

    assert sweeps.mark_overdue() == 2
    assert sweeps.mark_overdue() == 0  # the second run finds nothing

    assert set(Appeal.objects.filter(overdue_at__isnull=False).values_list("pk", flat=True)) == {
        late.pk,
        waiting.pk,
    }
    assert Event.objects.filter(action="overdue").count() == 2
    # The head: one alert per appeal, on the site and by e-mail; the executor is not alerted here.
    assert _alerts("overdue", recipient=world.head, channel="email").count() == 2
    assert _alerts("overdue", recipient=world.head, channel="in_app").count() == 2
    assert not _alerts("overdue", recipient=world.executor).exists()
    # The moderator: one digest naming both.
    digest = _alerts("overdue_digest", recipient=world.moderator, channel="email").get()
    assert digest.context["count"] == 2 and digest.context["url"] == "/moderation/overdue/"
    assert set(digest.context["numbers"]) == {late.number, waiting.number}
    assert (
        not_yet.number not in digest.context["numbers"]
        and answered_late.number not in digest.context["numbers"]
    )


@pytest.mark.django_db
def test_a_re_review_that_overruns_alerts_once_more(world, frozen):
    appeal = _open(world, due_in=-timedelta(hours=1))
    sweeps.mark_overdue()
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Ответ по существу.")
    services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=1, solved=False)
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS and appeal.overdue_at is None
    frozen.move_to(appeal.due_at + timedelta(minutes=1))
    assert sweeps.mark_overdue() == 1
    assert sweeps.mark_overdue() == 0
    assert _alerts("overdue", recipient=world.head, channel="email").count() == 2
    rounds = [
        event.data["round"] for event in Event.objects.filter(appeal=appeal, action="overdue")
    ]
    assert rounds == [0, 1]


@pytest.mark.django_db
def test_due_soon_warns_three_days_then_one_day_before_and_again_after_an_extension(world, frozen):
    appeal = _open(world, due_in=timedelta(days=2, hours=12))
    far = _open(world, due_in=timedelta(days=5))
    assert sweeps.warn_due_soon() == 1
    assert sweeps.warn_due_soon() == 0
    emails = _alerts("due_soon", channel="email")
    assert set(emails.values_list("recipient", flat=True)) == {world.executor.pk, world.head.pk}
    assert not emails.filter(appeal=far).exists()

    frozen.shift(timedelta(days=1, hours=13))  # now less than a day is left
    assert sweeps.warn_due_soon() == 1
    assert sweeps.warn_due_soon() == 0
    assert emails.filter(appeal=appeal).count() == 4  # two warnings × executor and head

    services.extend_deadline(
        head=world.head, appeal_id=appeal.pk, days=10, reason="Нужна экспертиза."
    )
    appeal.refresh_from_db()
    frozen.move_to(appeal.due_at - timedelta(days=2))
    assert sweeps.warn_due_soon() == 1  # the new term gets its own warnings
    assert emails.filter(appeal=appeal).count() == 6


@pytest.mark.django_db
def test_a_sweep_that_was_down_sends_only_the_nearest_warning(world, frozen):
    appeal = _open(world, due_in=timedelta(hours=10))
    assert sweeps.warn_due_soon() == 1
    appeal.refresh_from_db()
    assert appeal.due_warning_stage == 2
    assert _alerts("due_soon", channel="email", recipient=world.head).count() == 1


@pytest.mark.django_db
def test_moderators_are_alerted_once_about_appeals_waiting_too_long_for_registration(world, frozen):
    late = make_appeal(
        S.SUBMITTED,
        citizen=world.citizen,
        region=world.region,
        category=world.category,
        municipality=world.municipality,
        registration_due_at=timezone.now() - timedelta(minutes=5),
    )
    make_appeal(
        S.SUBMITTED,
        citizen=world.citizen,
        region=world.region,
        category=world.category,
        municipality=world.municipality,
        registration_due_at=timezone.now() + timedelta(days=1),
    )
    assert sweeps.alert_unregistered() == 1
    assert sweeps.alert_unregistered() == 0
    digest = _alerts("registration_overdue", recipient=world.moderator, channel="email").get()
    assert digest.context["numbers"] == [late.number]


@pytest.mark.django_db
def test_rating_reminder_after_three_days_and_not_rated_closure_after_ten(
    world, frozen, mailoutbox
):
    appeal = _open(world, due_in=timedelta(days=5))
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег вывезен.")
    request = _alerts("answered", recipient=world.citizen, channel="email").get()
    assert outbox.subject_of(request) == (  # the answer e-mail asks
        f"На обращение {appeal.number} дан ответ: пожалуйста, оцените его"
    )

    frozen.shift(timedelta(days=2, hours=23))
    assert sweeps.remind_to_rate() == 0
    frozen.shift(timedelta(hours=2))
    assert sweeps.remind_to_rate() == 1
    assert sweeps.remind_to_rate() == 0
    assert _alerts("rating_reminder", recipient=world.citizen, channel="email").count() == 1

    frozen.shift(timedelta(days=7))
    assert sweeps.close_unrated() == 1
    assert sweeps.close_unrated() == 0
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.close_reason == Appeal.CloseReason.NOT_RATED
    closed = _alerts("closed", recipient=world.citizen, channel="email").get()
    _subject, body = outbox.render(closed)
    assert "10" in body  # "no rating came within 10 days", not "thank you for solving it"


@pytest.mark.django_db
def test_a_rating_that_came_in_time_is_neither_reminded_nor_closed_as_not_rated(world, frozen):
    appeal = _open(world, due_in=timedelta(days=5))
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег вывезен.")
    services.rate_appeal(citizen=world.citizen, appeal_id=appeal.pk, score=5, solved=True)
    frozen.shift(timedelta(days=11))
    assert sweeps.remind_to_rate() == 0 and sweeps.close_unrated() == 0
    appeal.refresh_from_db()
    assert appeal.close_reason == Appeal.CloseReason.RATED


@pytest.mark.django_db
def test_sweeps_work_in_batches_and_catch_up_after_downtime(world, frozen):
    for hours in range(1, 8):  # appeals that crossed their deadline while nothing ran
        _open(world, due_in=-timedelta(hours=hours))
    assert sweeps.mark_overdue(batch=3) == 7
    assert Event.objects.filter(action="overdue").count() == 7
    # One digest per batch and region: 3 + 3 + 1.
    counts = sorted(n.context["count"] for n in _alerts("overdue_digest", channel="email"))
    assert counts == [1, 3, 3]


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_alert_each_appeal_once(world):
    appeals = [_open(world, due_in=-timedelta(minutes=minutes)) for minutes in range(1, 41)]
    barrier = threading.Barrier(2)
    results = []

    def sweeper():
        try:
            barrier.wait()
            results.append(sweeps.mark_overdue(batch=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == len(appeals)
    assert Event.objects.filter(action="overdue").count() == len(appeals)
    assert _alerts("overdue", recipient=world.head, channel="email").count() == len(appeals)


@pytest.mark.django_db
def test_run_recorded_keeps_the_last_success_and_the_last_failure(world, frozen):
    _open(world, due_in=-timedelta(hours=1))
    assert sweeps.run_recorded(name="mark_overdue", sweep=sweeps.mark_overdue) == 1
    run = SweepRun.objects.get(name="mark_overdue")
    assert run.last_succeeded_at == NOW and run.last_processed == 1 and run.last_error == ""

    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        sweeps.run_recorded(name="mark_overdue", sweep=broken)
    run.refresh_from_db()
    assert run.last_succeeded_at == NOW and "database went away" in run.last_error


@pytest.mark.django_db
def test_the_sweep_tasks_called_twice_are_idempotent(world, frozen):
    from appeals.tasks import sweep_task

    _open(world, due_in=-timedelta(hours=1))
    assert sweep_task("mark_overdue") == 1
    assert sweep_task("mark_overdue") == 0


@pytest.mark.django_db(transaction=True)
def test_files_of_forms_never_sent_are_removed_after_a_day_and_filed_ones_stay(
    world, settings, tmp_path
):
    import uuid

    from appeals.attachments import store_attachment
    from appeals.models import Attachment
    from tests.appeals import corpus

    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False) as traveller:
        abandoned = store_attachment(
            upload=corpus.jpeg_with_gps(), uploaded_by=world.citizen, draft_key=uuid.uuid4()
        )
        filed_appeal = _open(world, due_in=timedelta(days=5))
        filed = store_attachment(
            upload=corpus.jpeg_with_gps(), uploaded_by=world.citizen, appeal=filed_appeal
        )
        path = tmp_path / abandoned.file.name
        assert path.exists()
        traveller.shift(timedelta(hours=23))
        assert sweeps.purge_abandoned_drafts() == 0  # the citizen may still be filling the form
        traveller.shift(timedelta(hours=2))
        assert sweeps.purge_abandoned_drafts() == 1
        assert sweeps.purge_abandoned_drafts() == 0
    assert not Attachment.objects.filter(pk=abandoned.pk).exists() and not path.exists()
    assert Attachment.objects.filter(pk=filed.pk).exists() and (tmp_path / filed.file.name).exists()
