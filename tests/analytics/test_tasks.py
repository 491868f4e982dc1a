"""The periodic task and the rebuild command."""

import io

import pytest
from django.core.management import call_command

from analytics.models import Rollup, RollupState
from analytics.tasks import update_stats_task
from appeals.models import Appeal, Event
from tests.appeals.factories import make_appeal

pytestmark = pytest.mark.django_db


def test_task_folds_in_new_appeals_and_is_safe_to_run_twice():
    appeal = make_appeal(Appeal.Status.IN_PROGRESS)
    Event.objects.create(
        appeal=appeal, action="take", from_status="registered", to_status="in_progress"
    )
    assert update_stats_task() == 1
    received = sum(Rollup.objects.filter(grain="d").values_list("received", flat=True))
    version = RollupState.objects.get().version
    update_stats_task()  # the same events once more (late commits): nothing counted twice
    assert update_stats_task() == 0
    assert sum(Rollup.objects.filter(grain="d").values_list("received", flat=True)) == received == 1
    assert RollupState.objects.get().version == version + 1  # the page cache survives idle runs


def test_rebuild_command_shows_progress_and_replaces_everything():
    for _ in range(3):
        make_appeal(Appeal.Status.SUBMITTED)
    out = io.StringIO()
    call_command("rebuild_stats", stdout=out)
    assert "3/3" in out.getvalue() and "Rebuilt statistics of 3 appeals" in out.getvalue()
    call_command("rebuild_stats", stdout=io.StringIO())
    assert sum(Rollup.objects.filter(grain="m").values_list("received", flat=True)) == 3
