"""`generate_appeals` leaves the planner statistics of the tables it filled up to date."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from appeals.models import Answer, Appeal, Event
from tests.appeals.test_generate_appeals import load_demo

pytestmark = pytest.mark.django_db


def _reltuples(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


def test_generate_appeals_ends_with_analyze_of_the_tables_it_filled():
    load_demo(appeals=0)
    out = io.StringIO()
    call_command("generate_appeals", count=300, stdout=out)
    # -1 means "never analysed": the planner would guess. ANALYZE sets the real row counts.
    assert _reltuples(Appeal) == Appeal.objects.count() == 300
    assert _reltuples(Event) == Event.objects.count()
    assert _reltuples(Answer) == Answer.objects.count() > 0
    assert "ANALYZE" in out.getvalue()
