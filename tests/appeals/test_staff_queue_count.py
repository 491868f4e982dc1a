"""The staff queue counts its appeals only up to a cap (settings.STAFF_QUEUE_COUNT_CAP)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.models import Appeal
from appeals.views import staff as staff_views
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/staff/appeals/(41-\d{4}-\d{6})/"', html)


@pytest.fixture
def five(world):
    return [world_appeal(world, S.REGISTERED) for _ in range(5)]


def test_below_the_cap_the_count_and_the_pages_are_exact(client, world, five, settings):
    settings.STAFF_QUEUE_COUNT_CAP = 10
    client.force_login(world.executor)
    html = client.get(reverse("staff:home")).content.decode()
    assert "5 обращений" in html and "более" not in html


def test_beyond_the_cap_the_badge_says_more_than_the_cap(client, world, five, settings):
    settings.STAFF_QUEUE_COUNT_CAP = 3
    client.force_login(world.executor)
    html = client.get(reverse("staff:home")).content.decode()
    assert "более 3 обращений" in html
    assert "5 обращений" not in html
    assert len(_numbers(html)) == 5  # every row is still listed


def test_beyond_the_cap_pages_are_numbered_without_a_total(
    client, world, five, settings, monkeypatch
):
    settings.STAFF_QUEUE_COUNT_CAP = 3
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    client.force_login(world.executor)
    url = reverse("staff:home")
    seen = []
    first = client.get(url).content.decode()
    assert "Страница 1<" in first and "Страница 1 из" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    seen += _numbers(first)
    second = client.get(url, {"page": 2}).content.decode()
    assert "Страница 2<" in second and 'rel="next"' in second and 'rel="prev"' in second
    seen += _numbers(second)
    third = client.get(url, {"page": 3}).content.decode()
    assert "Страница 3<" in third and 'rel="next"' not in third and 'rel="prev"' in third
    seen += _numbers(third)
    assert len(seen) == 5 and len(set(seen)) == 5  # each appeal on exactly one page
    # Past the end: the last page, as with an exact count; a page that is not a number: the first.
    assert _numbers(client.get(url, {"page": 9}).content.decode()) == _numbers(third)
    assert _numbers(client.get(url, {"page": "x"}).content.decode()) == _numbers(first)


def test_the_capped_count_costs_no_extra_query(client, world, five, settings):
    client.force_login(world.executor)
    url = reverse("staff:home")
    client.get(url)  # warms the cached reference data
    settings.STAFF_QUEUE_COUNT_CAP = 100
    with CaptureQueriesContext(connection) as exact:
        client.get(url)
    settings.STAFF_QUEUE_COUNT_CAP = 3
    with CaptureQueriesContext(connection) as capped:
        client.get(url)
    assert len(capped) == len(exact)
    counts = [q["sql"] for q in capped.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]
