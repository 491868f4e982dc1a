"""Pass 1 and the paths of the appeal generator: what happens to each appeal, and when.

Decides, with the generator's seeded ``random.Random`` only, every appeal's final status (exact
quotas of the mix), category (weighted, seasonal) and submission time (``_Planner.plan``), then
each appeal's path through the workflow — accept, redirect, take or assign, clarification,
extension, answer, rating, second round, close — with its times (``_Planner._path``), squeezed to
end before ``now`` (``_Planner._fit``). Deadlines come from ``appeals.deadlines``. Nothing here
writes to the database; the paths are replayed into rows by ``history``.
"""

from __future__ import annotations

import bisect
import math
import random
from array import array
from datetime import UTC, datetime

from appeals import deadlines
from appeals.models import Appeal, Event
from demo.appeals.texts import (
    ASSIGN_SHARE,
    CLARIFICATION_SHARE,
    CLOSE_ON_GROUND_SHARE,
    DAY,
    EXTENSION_SHARE,
    GOOD_COMMENTS,
    HOUR,
    LOW_COMMENTS,
    RATED_AFTER_REVIEW_SHARE,
    RATED_SHARE,
    RATING_WINDOW,
    REDIRECT_SHARE,
    REJECT_GROUNDS,
    REREVIEW_SHARE,
    STATUSES,
    S,
)

A = Event.Action


def _quotas(mix: dict[str, float], count: int) -> list[int]:
    """Exact numbers of appeals per status (largest remainder), in STATUSES order."""
    weights = [max(float(mix.get(status, 0)), 0.0) for status in STATUSES]
    total = sum(weights)
    if total <= 0:
        raise ValueError("the status mix is empty")
    raw = [count * w / total for w in weights]
    quotas = [int(r) for r in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - quotas[i], reverse=True)[
        : count - sum(quotas)
    ]:
        quotas[index] += 1
    return quotas


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _weighted(rng: random.Random, options):
    x, total = rng.random(), 0.0
    for value, weight in options:
        total += weight
        if x < total:
            return value
    return options[-1][0]


def _weighted_ground(rng: random.Random) -> tuple[str, str]:
    x, total = rng.random() * sum(w for _g, w, _c in REJECT_GROUNDS), 0.0
    for ground, weight, comment in REJECT_GROUNDS:
        total += weight
        if x < total:
            return ground, comment
    return REJECT_GROUNDS[0][0], REJECT_GROUNDS[0][2]


def _rating(rng: random.Random, *, low: bool) -> tuple[int, bool]:
    """Scores skewed to the good end; `low` draws one that sends the appeal back (≤ 2 or not solved)."""
    if low:
        score = rng.choice((1, 1, 2, 2, 3, 4))
        return score, score <= 2 and rng.random() < 0.1
    x = rng.random()
    score = 5 if x < 0.50 else 4 if x < 0.75 else 3 if x < 0.86 else 2 if x < 0.92 else 1
    solved = rng.random() < (0.95 if score >= 4 else 0.7 if score == 3 else 0.1)
    return score, solved


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


class _Planner:
    """The generator's choices of statuses, categories, times and paths (a ``_Generator`` mixin)."""

    # --- helpers ------------------------------------------------------------------------------
    def local_date(self, ts: float) -> str:
        day = int((ts + self.offset) // DAY)  # cache key only; the string is computed in the zone
        value = self._date_cache.get(day)
        if value is None:
            value = datetime.fromtimestamp(ts, self.zone).strftime("%d.%m.%Y")
            self._date_cache[day] = value
        return value

    def due(self, ts: float, term: int, day_count: str) -> float:
        start = datetime.fromtimestamp(ts, self.zone)
        key = (start.date(), term, day_count)
        value = self._due_cache.get(key)
        if value is None:
            value = deadlines.due_at(
                start=start, days=term, region_timezone=self.region.timezone, day_count=day_count
            ).timestamp()
            self._due_cache[key] = value
        return value

    def extend(self, due: float, days: int) -> float:
        key = (due, days)
        value = self._extend_cache.get(key)
        if value is None:
            value = deadlines.extend(
                due=datetime.fromtimestamp(due, self.zone),
                days=days,
                region_timezone=self.region.timezone,
            ).timestamp()
            self._extend_cache[key] = value
        return value

    def pick_category(self, ts: float) -> int:
        month = datetime.fromtimestamp(ts, self.zone).month
        cum = self.category_cum[month]
        return bisect.bisect(cum, self.rng.random() * cum[-1])

    def pick_municipality(self) -> int:
        return self.municipality_ids[
            bisect.bisect(self.municipality_cum, self.rng.random() * self.municipality_cum[-1])
        ]

    # --- pass 1: status, category and submission time of every appeal --------------------------
    def plan(self, count: int):
        rng = self.rng
        if self.forced_statuses is not None:
            codes = [STATUSES.index(s) for s in self.forced_statuses]
        else:
            codes = [
                code for code, quota in enumerate(_quotas(self.mix, count)) for _ in range(quota)
            ]
            rng.shuffle(codes)
        times, kinds, cats = array("d"), bytearray(), array("H")
        now, window = self.now, self.window
        for code in codes:
            status = STATUSES[code]
            rereview = status in (S.IN_PROGRESS, S.ANSWERED) and rng.random() < REREVIEW_SHARE
            if status in (S.CLOSED, S.REJECTED):
                min_age = 1.5 * DAY if status == S.CLOSED else 0.05 * DAY
                x = (
                    rng.random() if rng.random() < 0.5 else math.sqrt(rng.random())
                )  # the platform grows
                t0 = now - (min_age + max(window - min_age, 0) * (1 - x))
                cat = self.pick_category(t0)
            else:
                cat = self.pick_category(now)
                term = self.category_rows[cat][1]
                t0 = now - self._open_age(status, term, rereview) * DAY
            times.append(t0)
            kinds.append(code | (16 if rereview else 0))
            cats.append(cat)
        return times, kinds, cats

    def _open_age(self, status: str, term: int, rereview: bool) -> float:
        """Days since submission of an appeal still open now."""
        u = self.rng.uniform
        if status == S.SUBMITTED:
            return u(0.003, 3.0) if self.rng.random() < 0.95 else u(3.0, 4.5)
        if status == S.REGISTERED:
            return u(0.05, 4.0)
        if status == S.CLARIFICATION:
            return u(0.5, max(term, 2))
        if rereview:
            return u(term * 0.6 + 5, term * 2 + 12)
        if status == S.IN_PROGRESS:
            return u(0.3, term + 1) if self.rng.random() < 0.93 else u(term + 1, term + 10)
        return u(1.0, term + 6)  # answered, waiting for the rating

    def _path(
        self, status: str, rereview: bool, t0: float, term: int, org: int, category_id: int
    ) -> list[list]:
        """The moves from submission to the final status, with unsqueezed times."""
        rng, now = self.rng, self.now
        expo = rng.expovariate
        steps = [[A.SUBMIT, t0]]
        if status == S.SUBMITTED:
            return steps
        t = t0 + min(600 + expo(1 / (10 * HOUR)), 2.9 * DAY)
        if status == S.REJECTED:
            ground, comment = _weighted_ground(rng)
            steps.append([A.REJECT, t, ground, comment])
            return steps
        steps.append([A.ACCEPT, t])
        start = t
        alternative = self.fallback.get(category_id)
        if alternative is not None and alternative != org and rng.random() < REDIRECT_SHARE:
            t += HOUR + min(expo(1 / DAY), 5.5 * DAY)
            steps.append([A.REDIRECT, t, alternative])
            org, start = alternative, t
        if status == S.REGISTERED:
            return steps
        t += 300 + min(expo(1 / (12 * HOUR)), 5 * DAY)
        steps.append([A.ASSIGN if self.heads[org] and rng.random() < ASSIGN_SHARE else A.TAKE, t])
        on_ground = status == S.CLOSED and rng.random() < CLOSE_ON_GROUND_SHARE
        if (
            status == S.CLARIFICATION
            or rng.random() < CLARIFICATION_SHARE
            or (on_ground and rng.random() < 0.5)
        ):
            t += 2 * HOUR + min(expo(1 / (2 * DAY)), 0.4 * term * DAY)
            steps.append([A.REQUEST_CLARIFICATION, t])
            if status == S.CLARIFICATION:
                return steps
            if on_ground:  # no reply came
                t += rng.uniform(7, 15) * DAY
                steps.append(
                    [
                        A.CLOSE_ON_GROUND,
                        t,
                        "unclear",
                        "Заявитель не ответил на запрос уточнения; существо обращения установить невозможно.",
                    ]
                )
                return steps
            t += HOUR + min(expo(1 / (1.5 * DAY)), 10 * DAY)
            steps.append(["reply", t])
        if on_ground:
            t += rng.uniform(1, max(term / 2, 2)) * DAY
            steps.append(
                [
                    A.CLOSE_ON_GROUND,
                    t,
                    "out_of_scope",
                    "Вопрос не относится к компетенции организации; заявителю разъяснён порядок обращения.",
                ]
            )
            return steps
        extra = 0
        if term >= 30 and not rereview and self.heads[org] and rng.random() < EXTENSION_SHARE:
            extra = rng.choice((10, 15, 20, 30))
            t = max(t + HOUR, start + rng.uniform(0.3, 0.6) * term * DAY)
            steps.append([A.EXTEND_DEADLINE, t, extra])
        if status == S.IN_PROGRESS and not rereview:
            return steps
        if status == S.ANSWERED and not rereview:
            target = now - rng.uniform(300, RATING_WINDOW.total_seconds())
        else:
            target = start + rng.triangular(0.05, 1.1, 0.45) * (term + extra) * DAY
        t = max(t + 1800, target)
        steps.append([A.ANSWER, t])
        if status == S.ANSWERED and not rereview:
            return steps
        if status == S.CLOSED and rng.random() >= RATED_SHARE:
            t += RATING_WINDOW.total_seconds() + rng.uniform(0, 6 * HOUR)
            steps.append([A.CLOSE, t])
            return steps
        score, solved = _rating(rng, low=rereview)
        t += HOUR + min(expo(1 / (1.5 * DAY)), 6.5 * DAY)
        low = score <= 2 or not solved
        steps.append([A.RATE, t, score, solved, rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS)])
        if not low or status == S.IN_PROGRESS:
            return steps
        if status == S.ANSWERED:
            target = now - rng.uniform(300, RATING_WINDOW.total_seconds())
        else:
            target = t + rng.triangular(0.05, 0.9, 0.3) * term * DAY
        t = max(t + 1800, target)
        steps.append([A.ANSWER, t])
        if status == S.ANSWERED:
            return steps
        if rng.random() >= RATED_AFTER_REVIEW_SHARE:
            t += RATING_WINDOW.total_seconds() + rng.uniform(0, 6 * HOUR)
            steps.append([A.CLOSE, t])
            return steps
        score, solved = _rating(rng, low=False)
        low = score <= 2 or not solved
        t += HOUR + min(expo(1 / (1.5 * DAY)), 6.5 * DAY)
        steps.append([A.RATE, t, score, solved, rng.choice(LOW_COMMENTS if low else GOOD_COMMENTS)])
        return steps

    def _fit(self, steps: list[list], t0: float, status: str) -> None:
        """Squeeze the path so that it ends before now (open appeals then wait a while)."""
        last = steps[-1][1]
        limit = self.now - self.rng.uniform(30, 600)
        if last <= limit or len(steps) == 1:
            return
        room = limit - t0
        if status in Appeal.OPEN_STATUSES:
            room *= self.rng.uniform(0.5, 0.95)
        factor = room / (last - t0)
        previous = t0
        for step in steps[1:]:
            step[1] = max(t0 + (step[1] - t0) * factor, previous + 1)
            previous = step[1]
