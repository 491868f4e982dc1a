"""Generated appeal history for demonstrations and load tests: ``generate_appeals``.

Inserts appeals that look like the record of a real platform — statuses in realistic shares, the
whole timeline of each one (events, answers, ratings, clarifications) — and that are exactly what
the services would have written: the model's check constraints hold, the timestamps follow the
transition table, ``due_at`` comes from ``appeals.deadlines``, numbers come from
``AppealNumberCounter`` (so later submissions continue after them). No notifications are written:
this is history, nobody is told about it.

Speed: rows go in with PostgreSQL ``COPY`` (psycopg 3) in chunks; appeal and answer ids are
reserved from their identity sequences up front, so events, answers and ratings reference them
without a round trip. A million appeals take minutes, not hours.

How it works: a first pass draws every appeal's final status, category and submission time; the
appeals are then numbered and inserted in chronological order, each one's path through the
workflow drawn forward from its submission and squeezed to end before ``now``.

Layout: ``texts`` holds the constant data (shares, weights, Russian templates, names);
``reference`` reads the region's places, categories, routes and staff and finds or creates the
residents; ``plan`` decides statuses, categories, times and paths; ``history`` replays one
appeal's path into rows; ``writer`` reserves ids and numbers and COPYs the rows. ``_Generator``
below puts the three mixins together; ``generate_appeals`` drives it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from appeals.models import Appeal
from demo.appeals.history import _History
from demo.appeals.plan import _Planner
from demo.appeals.reference import _citizen_pool, _Citizens, _References
from demo.appeals.texts import CHUNK_SIZE, CITIZEN_POOL_MAX, DAY, DEFAULT_MIX, STATUSES
from demo.appeals.writer import _reserve_ids, _reserve_numbers, _Rows, _write_rows

__all__ = ["DEFAULT_MIX", "STATUSES", "generate_appeals"]


class _Generator(_References, _Planner, _History):
    """One run of ``generate_appeals``: the seeded rng, the region's reference data, the caches."""

    def __init__(
        self,
        *,
        region,
        months: int,
        seed: int,
        now: datetime,
        citizens,
        mix,
        statuses,
        organization,
    ):
        self.rng = random.Random(seed)
        self.region = region
        self.zone = ZoneInfo(region.timezone)
        self.now = now.timestamp()
        self.now_year = now.astimezone(self.zone).year
        self.offset = now.astimezone(self.zone).utcoffset().total_seconds()
        self.window = max(months, 1) * 30.4375 * DAY
        self.mix = mix
        self.forced_statuses = statuses
        self._due_cache: dict = {}
        self._extend_cache: dict = {}
        self._date_cache: dict = {}
        self.last_by_citizen: dict[int, tuple[int, str]] = {}
        self._load_places()
        self._load_categories_and_routes(organization)
        self._load_staff()
        self.citizens = citizens


def generate_appeals(
    *,
    count: int,
    region,
    months: int = 12,
    seed: int = 41,
    citizens: list | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    mix: dict[str, float] | None = None,
    statuses: Sequence[str] | None = None,
    organization=None,
) -> int:
    """Insert `count` appeals of `region` with their history over the last `months` months.

    `citizens` (users or ids) file the appeals; by default a pool of about count/5 demo residents
    (at most 5,000, `resident{n}@demo.local`, unusable passwords) is created or reused.
    `mix` overrides DEFAULT_MIX (shares of the final statuses, met exactly); `statuses` gives the
    final status of each appeal instead (len == count). `organization` restricts the appeals to the
    categories and municipalities routed to it. `progress(done, total)` is called after each chunk.
    Returns the number of appeals created.
    """
    if count <= 0:
        return 0
    if statuses is not None:
        if len(statuses) != count:
            raise ValueError("statuses must give one status per appeal")
        unknown = set(statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown statuses: {sorted(unknown)}")
    now = now or timezone.now()
    with transaction.atomic():
        gen = _Generator(
            region=region,
            months=months,
            seed=seed,
            now=now,
            citizens=None,
            mix={**DEFAULT_MIX, **(mix or {})},
            statuses=statuses,
            organization=organization,
        )
        if citizens is None:
            gen.citizens = _citizen_pool(gen, min(max(count // 5, 1), CITIZEN_POOL_MAX))
        else:
            rows = (
                get_user_model()
                .objects.filter(pk__in=[getattr(c, "pk", c) for c in citizens])
                .values_list("pk", "municipality_id", "identity_verified_at")
            )
            users = {pk: municipality_id for pk, municipality_id, _verified in rows}
            ids = [getattr(c, "pk", c) for c in citizens]
            gen.citizens = _Citizens(
                ids,
                [users.get(pk) if users.get(pk) in gen.municipality_index else None for pk in ids],
                {pk for pk, _m, verified in rows if verified is not None},
            )

        times, kinds, cats = gen.plan(count)
        order = sorted(range(count), key=times.__getitem__)
        years = [datetime.fromtimestamp(times[i], gen.zone).year for i in order]
        next_sequence = _reserve_numbers(region, Counter(years))

        done = 0
        with connection.cursor() as cursor:
            # Foreign keys are checked as each chunk goes in, not all at the commit: the progress
            # shown is the real progress and the server queues no millions of pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for start in range(0, count, CHUNK_SIZE):
                chunk = order[start : start + CHUNK_SIZE]
                ids = _reserve_ids(cursor, Appeal, len(chunk))
                rows = _Rows()
                for appeal_id, index, year in zip(
                    ids, chunk, years[start : start + CHUNK_SIZE], strict=True
                ):
                    sequence = next_sequence[year]
                    next_sequence[year] = sequence + 1
                    gen.build(
                        appeal_id,
                        f"{region.code}-{year}-{sequence:06d}",
                        times[index],
                        kinds[index],
                        cats[index],
                        rows,
                    )
                _write_rows(cursor, rows)
                done += len(chunk)
                if progress is not None:
                    progress(done, count)
            cursor.execute(
                "SET CONSTRAINTS ALL DEFERRED"
            )  # Django's constraints are initially deferred
    return count
