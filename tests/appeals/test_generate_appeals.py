"""`demo.appeals.generate_appeals` and the appeals of `load_demo`: bulk history that obeys the workflow."""

import io
import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from appeals import deadlines
from appeals.models import (
    Answer,
    Appeal,
    AppealNumberCounter,
    ClarificationMessage,
    Event,
    Rating,
)
from appeals.services import submit_appeal
from appeals.workflow import TRANSITIONS
from core.models import Notification
from demo.appeals import generate_appeals
from demo.organizations import data as demo_data
from organizations.models import Category, Membership, Municipality, Organization, Region
from regimes.models import Outcome

S = Appeal.Status
NUMBER = re.compile(r"^41-(\d{4})-(\d{6})$")
COUNT = 2000

pytestmark = pytest.mark.django_db


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **{"force": True, **options})
    return out.getvalue()


@pytest.fixture
def region():
    load_demo(appeals=0)
    return Region.objects.get(code="41")


@pytest.fixture
def generated(region):
    done = []
    created = generate_appeals(
        count=COUNT, region=region, progress=lambda d, t: done.append((d, t))
    )
    return created, done


def test_creates_exactly_the_count_in_every_status_without_notifications(region, generated):
    created, progress = generated

    assert created == COUNT == Appeal.objects.filter(region=region).count()
    assert progress[-1] == (COUNT, COUNT)
    by_status = dict(Appeal.objects.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(S.values)
    assert by_status[S.CLOSED] > COUNT / 2
    assert not Notification.objects.exists()
    residents = get_user_model().objects.filter(
        email__startswith="resident", email__endswith="@demo.local"
    )
    assert residents.count() == COUNT // 5
    assert not any(user.has_usable_password() for user in residents[:20])
    assert Appeal.objects.values("citizen").distinct().count() > 100
    # Spread over the region by population: the smallest districts (Aleutsky, a few hundred
    # people) expect under 5 of 2,000 appeals, so one of them may draw none for a given seed.
    assert Appeal.objects.values("municipality").distinct().count() >= 12
    capital = Municipality.objects.get(name__startswith="Петропавловск")
    assert 0.4 < Appeal.objects.filter(municipality=capital).count() / COUNT < 0.75
    leaves = Category.objects.filter(parent__isnull=False).count()
    assert Appeal.objects.values("category").distinct().count() > leaves * 0.8


def test_numbers_are_unique_and_the_counter_continues_after_them(region, generated):
    numbers = list(Appeal.objects.values_list("number", flat=True))
    assert len(set(numbers)) == COUNT
    last = defaultdict(int)
    for number in numbers:
        match = NUMBER.match(number)
        assert match, number
        last[int(match[1])] = max(last[int(match[1])], int(match[2]))
    counters = dict(AppealNumberCounter.objects.filter(region=region).values_list("year", "last"))
    assert counters == dict(last)
    # Numbers follow the submission order within a year.
    ordered = list(Appeal.objects.order_by("submitted_at", "pk").values_list("number", flat=True))
    assert ordered == sorted(ordered, key=lambda n: (n[3:7], n[8:]))

    citizen = get_user_model().objects.get(email="citizen@demo.local")
    appeal = submit_appeal(
        citizen=citizen,
        category=Category.objects.get(slug="no-heating"),
        municipality=citizen.municipality,
        address="ул. Ленинская, д. 1",
        text="В квартире нет отопления третий день.",
    )
    year, sequence = (int(part) for part in NUMBER.match(appeal.number).groups())
    assert appeal.number not in numbers
    assert sequence == last.get(year, 0) + 1


def test_fields_and_timestamps_are_consistent_with_the_workflow(generated):
    now = timezone.now()
    for a in Appeal.objects.select_related("category", "region"):
        assert a.submitted_at < now and a.consent_at == a.submitted_at
        assert a.registration_due_at == a.submitted_at + timedelta(days=3)
        assert a.consent_version == "2026-11"
        if a.status in (S.SUBMITTED, S.REJECTED):
            assert a.organization_id is None and a.registered_at is None and a.due_at is None
        else:
            assert a.organization_id and a.registered_at and a.due_at, a.number
            assert a.submitted_at < a.registered_at < now
        if a.status == S.SUBMITTED:
            assert now - a.submitted_at < timedelta(days=5), a.number
            assert a.closed_at is None and a.answered_at is None
        if a.status == S.REJECTED:
            assert a.ground and a.submitted_at < a.closed_at < now and not a.close_reason
        if a.status in (S.IN_PROGRESS, S.CLARIFICATION, S.ANSWERED):
            assert a.executor_id, a.number
        if a.status == S.ANSWERED:
            assert a.registered_at < a.answered_at < now and a.rating_requested_at == a.answered_at
            assert now - a.answered_at <= timedelta(days=7), a.number
        if a.status in (S.SUBMITTED, S.REGISTERED, S.IN_PROGRESS, S.CLARIFICATION):
            assert a.answered_at is None and a.closed_at is None and not a.close_reason
        if a.status == S.CLOSED:
            assert a.close_reason in Appeal.CloseReason.values
            assert a.closed_at < now
            if a.close_reason == Appeal.CloseReason.GROUND:
                assert a.ground and a.answered_at is None
            else:
                assert a.registered_at < a.answered_at < a.closed_at, a.number
            assert a.flagged_for_moderator == (
                a.close_reason == Appeal.CloseReason.LOW_RATING_AFTER_REVIEW
            )
        if a.review_round == 1:
            assert a.status in (S.IN_PROGRESS, S.ANSWERED, S.CLOSED)
        if a.extension_days is not None:
            assert 1 <= a.extension_days <= 30 and a.extension_reason


def test_every_appeal_has_its_timeline(generated):
    events = defaultdict(list)
    for event in Event.objects.order_by("created_at", "pk"):
        events[event.appeal_id].append(event)
    moderators = set(Membership.objects.filter(role="moderator").values_list("user_id", flat=True))
    staff = set(
        Membership.objects.filter(organization__isnull=False).values_list("user_id", flat=True)
    )
    for a in Appeal.objects.select_related("category", "region"):
        timeline = events[a.pk]
        first, last = timeline[0], timeline[-1]
        assert (first.action, first.from_status, first.to_status) == ("submit", "", S.SUBMITTED)
        assert first.actor_id == a.citizen_id and first.created_at == a.submitted_at
        assert last.to_status == a.status, a.number
        assert last.created_at == a.updated_at
        assert [e.action for e in timeline].count("submit") == 1
        due = None
        for before, event in zip(timeline, timeline[1:], strict=False):
            assert before.created_at < event.created_at, a.number
            assert event.from_status == before.to_status, a.number
            sources, targets = TRANSITIONS[event.action]
            assert event.from_status in sources, (a.number, event.action)
            if targets:
                assert event.to_status in targets
            else:
                assert event.to_status == event.from_status
            if event.action == Event.Action.RATE:
                assert event.actor_id == a.citizen_id
            if event.action in ("accept", "reject"):
                assert event.actor_id in moderators
            if event.action in ("take", "answer"):
                assert event.actor_id in staff
            # The deadline as the services would have set it.
            days, day_count = deadlines.term_of(a)  # the appeal's regime, else its category's
            fresh = deadlines.due_at(
                start=event.created_at,
                days=days,
                region_timezone=a.region.timezone,
                day_count=day_count,
            )
            if event.action == "accept":
                due = fresh
                assert a.registered_at == event.created_at
            elif (
                event.action == "redirect"
                and event.created_at - a.registered_at <= deadlines.forwarding_window(a)
            ):
                due = fresh
            elif event.action == "extend_deadline":
                due = deadlines.extend(
                    due=due, days=event.data["days"], region_timezone=a.region.timezone
                )
            elif event.action == "rate" and event.to_status == S.IN_PROGRESS:
                due = fresh
        assert a.due_at == due, a.number
        if a.status == S.REJECTED:
            assert last.reason_code == a.ground and last.created_at == a.closed_at


def test_answers_ratings_and_clarifications_match_the_statuses(generated):
    answers = defaultdict(dict)
    for answer in Answer.objects.all():
        answers[answer.appeal_id][answer.review_round] = answer
    ratings = {r.answer_id: r for r in Rating.objects.all()}
    for a in Appeal.objects.all():
        own = answers.get(a.pk, {})
        answered = a.status == S.ANSWERED or (a.status == S.CLOSED and a.close_reason != "ground")
        if answered:
            assert set(own) == set(range(a.review_round + 1)), a.number
            current = own[a.review_round]
            assert (
                current.created_at == a.answered_at and current.organization_id == a.organization_id
            )
            assert current.author_id == a.executor_id
        if a.status in (S.IN_PROGRESS,) and a.review_round == 1:
            assert set(own) == {0} and own[0].pk in ratings
        if a.review_round == 1:
            assert ratings[own[0].pk].score <= 2 or not ratings[own[0].pk].solved
        if a.status == S.ANSWERED:
            assert own[a.review_round].pk not in ratings
        if a.close_reason in ("rated", "low_after_review"):
            assert own[a.review_round].pk in ratings
        if a.close_reason == "not_rated":
            assert own[a.review_round].pk not in ratings
        if a.status in (S.SUBMITTED, S.REJECTED, S.REGISTERED):
            assert not own
    assert Answer.objects.filter(
        appeal__review_round=1, appeal__status__in=["answered", "closed"]
    ).exists()
    scores = list(Rating.objects.values_list("score", flat=True))
    assert sum(scores) / len(scores) > 3.5
    for a in Appeal.objects.filter(status=S.CLARIFICATION):
        last = a.clarifications.order_by("-created_at").first()
        assert last.kind == ClarificationMessage.Kind.REQUEST and last.author_id == a.executor_id


def test_answers_state_a_result_their_regime_allows_and_unidentified_channels_file_messages(
    generated,
):
    outcomes = Counter()
    for answer in Answer.objects.select_related("appeal__regime_version"):
        version = answer.appeal.regime_version
        allowed = set(version.outcomes) if version and version.outcomes else set(Outcome.values)
        assert answer.outcome in allowed, answer.appeal.number
        outcomes[answer.outcome] += 1
    assert len(outcomes) >= 3  # a spread of results for the Decree 171 figures, not one value
    registered = Appeal.objects.exclude(regime_version=None)
    # A partner's call carries no identity assertion (547-FZ): a 59-FZ appeal becomes a platform
    # message that keeps the regime it would have had, so the author can convert it later.
    converted = registered.filter(channel=Appeal.Channel.API).exclude(official_regime_version=None)
    assert converted.exists()
    for a in converted.select_related("regime_version", "official_regime_version")[:50]:
        assert a.regime_version.regime_id != a.official_regime_version.regime_id
    identified = set(
        get_user_model().objects.exclude(identity_verified_at=None).values_list("pk", flat=True)
    )
    assert (
        not registered.filter(channel=Appeal.Channel.WEB, citizen_id__in=identified)
        .exclude(official_regime_version=None)
        .exists()
    )


def test_the_search_column_is_filled_from_the_templates(generated):
    found = Appeal.objects.filter(search=SearchQuery("отопления", config="russian"))
    assert found.exists()
    assert found.filter(category__slug="no-heating").exists()
    assert Appeal.objects.filter(text__contains="отоплен").exists()


def test_is_reproducible_and_a_second_run_continues_the_numbers(region):
    generate_appeals(count=50, region=region, seed=7)
    first = list(Appeal.objects.order_by("pk").values_list("status", "category__slug", "text"))
    generate_appeals(count=50, region=region, seed=7)
    second = list(
        Appeal.objects.order_by("pk").values_list("status", "category__slug", "text")[50:]
    )

    assert Appeal.objects.count() == 100
    assert len(set(Appeal.objects.values_list("number", flat=True))) == 100
    assert [row[:2] for row in first] == [row[:2] for row in second]


def test_command_generates_with_a_progress_bar_and_refuses_an_unknown_region(region):
    out = io.StringIO()
    call_command("generate_appeals", count=30, stdout=out)

    assert Appeal.objects.count() == 30
    assert "[##############################] 30/30" in out.getvalue()
    assert "appeals/s" in out.getvalue()
    with pytest.raises(CommandError, match="Region 99 does not exist"):
        call_command("generate_appeals", count=10, region="99", stdout=io.StringIO())


def test_load_demo_adds_appeals_once_with_the_demo_accounts_stories():
    output = load_demo(appeals=500)
    assert Appeal.objects.count() == 500
    assert "Обращения: 500 (создано 500)" in output
    before = Appeal.objects.count(), Event.objects.count(), get_user_model().objects.count()

    output = load_demo(appeals=500)

    assert (
        Appeal.objects.count(),
        Event.objects.count(),
        get_user_model().objects.count(),
    ) == before
    assert "Обращения: 500 (создано 0)" in output

    citizen = get_user_model().objects.get(email="citizen@demo.local")
    own = Appeal.objects.filter(citizen=citizen)
    assert 8 <= own.count() <= 12
    assert len(set(own.values_list("status", flat=True))) >= 5
    waiting = own.get(status=S.ANSWERED)
    assert waiting.answers.filter(review_round=waiting.review_round).exists()
    assert not Rating.objects.filter(
        appeal=waiting, answer__review_round=waiting.review_round
    ).exists()
    assert own.filter(status=S.CLARIFICATION, clarifications__kind="request").exists()

    queue = Appeal.objects.filter(region__code="41", status=S.SUBMITTED).count()
    assert 10 <= queue <= 20
    city = Organization.objects.get(slug=demo_data.CAPITAL_ADMINISTRATION)
    open_there = Appeal.objects.filter(organization=city, status__in=Appeal.OPEN_STATUSES)
    assert open_there.count() >= 5
    assert open_there.filter(citizen=citizen).exists()
    executor = get_user_model().objects.get(email="executor@demo.local")
    assert Appeal.objects.filter(executor=executor).exists()
