"""The default analytics view (the last 12 months, the whole region) is computed at the end of each
roll-up run, so the first analyst to open /analytics/ after it reads it from the cache: no query
touches the roll-up tables while the page is served."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.services import rebuild_stats, update_stats
from appeals.models import Appeal
from tests.appeals.factories import make_appeal
from tests.organizations.factories import CategoryFactory, MunicipalityFactory

KAMCHATKA = ZoneInfo("Asia/Kamchatka")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=KAMCHATKA)
ROLLUP_TABLES = (
    "analytics_rollup",
    "analytics_groundrollup",
    "analytics_answertimerollup",
    "analytics_appealfact",
)


def _rollup_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if any(f'"{t}"' in q["sql"] for t in ROLLUP_TABLES)]


@pytest.fixture
def appeals(region, organization, citizen):
    municipality = MunicipalityFactory(region=region, name="Елизовский район")
    category = CategoryFactory(name="Уборка снега")
    for day in (3, 10, 17):
        make_appeal(
            Appeal.Status.IN_PROGRESS,
            citizen=citizen,
            region=region,
            municipality=municipality,
            category=category,
            organization=organization,
            submitted_at=datetime(2026, 5, day, 10, 0, tzinfo=KAMCHATKA),
        )
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=KAMCHATKA), tick=False):
        rebuild_stats()  # two weeks ago: what it cached then is not today's question
    return municipality


@pytest.mark.parametrize("run", [update_stats, rebuild_stats], ids=["update", "rebuild"])
def test_the_default_view_after_a_roll_up_run_reads_no_roll_up_table(client, analyst, appeals, run):
    with time_machine.travel(NOW, tick=False):
        run()
        client.force_login(analyst)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("analytics:home"))
    assert response.status_code == 200
    assert _rollup_queries(queries.captured_queries) == []
    page = response.content.decode()
    assert "Елизовский район" in page  # the figures are there, not an empty dashboard
    # Of the dashboard itself only the roll-up version is read: the figures and the rendered
    # content (filter choices included) come from the cache; the rest is the base layout.
    sqls = [q["sql"] for q in queries.captured_queries]
    assert [sql for sql in sqls if '"analytics_' in sql] == [
        next(sql for sql in sqls if '"analytics_rollupstate"' in sql)
    ]
    assert not [sql for sql in sqls if '"organizations_category"' in sql], sqls
    assert len(sqls) <= 6, sqls


def test_another_filter_is_computed_on_request(client, analyst, appeals):
    with time_machine.travel(NOW, tick=False):
        update_stats()
        client.force_login(analyst)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("analytics:home"), {"municipality": appeals.pk})
    assert response.status_code == 200
    assert _rollup_queries(queries.captured_queries) != []
