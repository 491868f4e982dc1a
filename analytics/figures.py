"""Arithmetic of the figures: sums of roll-up rows, shares, Wilson intervals, histogram percentiles."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from analytics.sql import COUNTERS

Z95 = 1.959963984540054


def empty() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def add(total: dict[str, int], row: Mapping[str, int]) -> None:
    for name in COUNTERS:
        total[name] += row[name] or 0


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """95 % Wilson score interval of a proportion; None without trials."""
    if not trials:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def percentile(histogram: Iterable[tuple[int, int]], fraction: float) -> int | None:
    """The hour bucket holding the `fraction` quantile (nearest rank) of a {hours: count} histogram."""
    pairs = sorted((hours, count) for hours, count in histogram if count)
    total = sum(count for _hours, count in pairs)
    if not total:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for hours, count in pairs:
        seen += count
        if seen >= rank:
            return hours
    return pairs[-1][0]


def derived(total: Mapping[str, int]) -> dict[str, float | int | None]:
    """Shares and averages of a sum of roll-up rows, for tables and exports."""
    return {
        **total,
        "late": total["answered"] - total["on_time"],
        "on_time_share": share(total["on_time"], total["answered"]),
        "average_rating": share(total["rating_sum"], total["ratings"]),
        "solved_share": share(total["solved"], total["ratings"]),
        "rereview_rate": share(total["rereviews"], total["answered"]),
        "average_hours": share(total["answer_hours"], total["answered"]),
    }


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change, None when there is nothing to compare with."""
    if current is None or previous in (None, 0):
        return None
    return (current - previous) / previous
