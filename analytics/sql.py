"""The SQL of the roll-ups: facts from appeals, contributions from facts.

Every figure is defined once, here, from an appeal's current state, its events and its ratings;
days are local dates in the region's time zone:

- received: submitted_at; registered: registered_at;
- rejected (by ground): status rejected, on closed_at; closed on ground: closed with reason
  "ground", on closed_at;
- redirected: each "redirect" event; re-reviews: each "rate" event that sent the appeal back;
- answered: answered_at (the latest answer; an appeal back in re-review is not answered until it
  is answered again); on time: answered_at ≤ due_at; answer time: answered_at − registered_at in
  whole hours;
- ratings: each Rating on its created_at (score, solved);
- not rated: closed other than on a ground with no Rating at all, on closed_at;
- overdue at a moment T: due_at < T and not resolved before T (resolved = answered_at, or closed_at
  for a closure on ground). Stored as +1 on the local day of due_at and +1 "ended" on the day of
  the resolution, when the resolution came at or after the deadline.
"""

# ruff: noqa: S608 — the statements are built from constants of this module only; values are parameters.

FACT_COLUMNS = (
    "appeal_id, region_id, municipality_id, organization_id, category_id, submitted_day, registered_day, "
    "outcome, ground, closed_day, answered_day, on_time, answer_hours, overdue_start_day, overdue_end_day, "
    "not_rated, redirect_days, rereview_days, rating_days, rating_scores, rating_solved"
)

# {where} filters appeals_appeal a, {event_where} appeals_event / appeals_rating e by e.appeal_id (the same
# id range or list, said directly so that the planner uses the appeal_id indexes); {table} receives.
INSERT_FACTS = f"""
WITH src AS (
    SELECT a.id, a.region_id, a.municipality_id, COALESCE(a.organization_id, 0) AS organization_id,
           a.category_id, r.timezone AS tz, a.status, a.close_reason, a.ground, a.submitted_at,
           a.registered_at, a.answered_at, a.closed_at, a.due_at,
           CASE WHEN a.answered_at IS NOT NULL THEN a.answered_at
                WHEN a.status = 'closed' THEN a.closed_at END AS resolved_at
    FROM appeals_appeal a JOIN organizations_region r ON r.id = a.region_id
    WHERE {{where}}
), ev AS (
    SELECT e.appeal_id,
           array_agg(e.created_at ORDER BY e.id) FILTER (WHERE e.action = 'redirect') AS redirects,
           array_agg(e.created_at ORDER BY e.id)
               FILTER (WHERE e.action = 'rate' AND e.to_status = 'in_progress') AS rereviews
    FROM appeals_event e
    WHERE {{event_where}} AND e.action IN ('redirect', 'rate')
    GROUP BY e.appeal_id
), rt AS (
    SELECT appeal_id, array_agg(created_at ORDER BY id) AS ts, array_agg(score ORDER BY id) AS scores,
           array_agg(solved ORDER BY id) AS solved
    FROM appeals_rating e WHERE {{event_where}} GROUP BY appeal_id
)
INSERT INTO {{table}} ({FACT_COLUMNS})
SELECT s.id, s.region_id, s.municipality_id, s.organization_id, s.category_id,
       (s.submitted_at AT TIME ZONE s.tz)::date,
       (s.registered_at AT TIME ZONE s.tz)::date,
       CASE WHEN s.status = 'rejected' THEN 'rejected'
            WHEN s.status = 'closed' AND s.close_reason = 'ground' THEN 'ground'
            WHEN s.status = 'closed' THEN 'closed' ELSE '' END,
       CASE WHEN s.status = 'rejected' OR (s.status = 'closed' AND s.close_reason = 'ground')
            THEN s.ground ELSE '' END,
       CASE WHEN s.status IN ('rejected', 'closed') THEN (s.closed_at AT TIME ZONE s.tz)::date END,
       (s.answered_at AT TIME ZONE s.tz)::date,
       COALESCE(s.answered_at <= s.due_at, false),
       CASE WHEN s.answered_at IS NOT NULL AND s.registered_at IS NOT NULL
            THEN floor(extract(epoch FROM s.answered_at - s.registered_at) / 3600)::int END,
       CASE WHEN s.due_at IS NOT NULL AND (s.resolved_at IS NULL OR s.resolved_at >= s.due_at)
            THEN (s.due_at AT TIME ZONE s.tz)::date END,
       CASE WHEN s.due_at IS NOT NULL AND s.resolved_at >= s.due_at
            THEN (s.resolved_at AT TIME ZONE s.tz)::date END,
       s.status = 'closed' AND s.close_reason <> 'ground' AND rt.appeal_id IS NULL,
       ARRAY(SELECT (x AT TIME ZONE s.tz)::date FROM unnest(ev.redirects) x),
       ARRAY(SELECT (x AT TIME ZONE s.tz)::date FROM unnest(ev.rereviews) x),
       ARRAY(SELECT (x AT TIME ZONE s.tz)::date FROM unnest(rt.ts) x),
       COALESCE(rt.scores, ARRAY[]::smallint[]),
       COALESCE(rt.solved, ARRAY[]::boolean[])
FROM src s LEFT JOIN ev ON ev.appeal_id = s.id LEFT JOIN rt ON rt.appeal_id = s.id
"""

COUNTERS = (
    "received",
    "registered",
    "rejected",
    "closed_on_ground",
    "redirected",
    "answered",
    "on_time",
    "answer_hours",
    "overdue_started",
    "overdue_ended",
    "ratings",
    "rating_sum",
    "solved",
    "rereviews",
    "not_rated",
)
DIMS = "region_id, municipality_id, organization_id, category_id"

# (day expression, extra FROM, WHERE, {counter: expression}) — one row per contribution.
_CONTRIBUTIONS = (
    ("f.submitted_day", "", "true", {"received": "1"}),
    ("f.registered_day", "", "f.registered_day IS NOT NULL", {"registered": "1"}),
    ("f.closed_day", "", "f.outcome = 'rejected'", {"rejected": "1"}),
    ("f.closed_day", "", "f.outcome = 'ground'", {"closed_on_ground": "1"}),
    ("f.closed_day", "", "f.not_rated", {"not_rated": "1"}),
    ("d.day", ", unnest(f.redirect_days) AS d(day)", "true", {"redirected": "1"}),
    ("d.day", ", unnest(f.rereview_days) AS d(day)", "true", {"rereviews": "1"}),
    (
        "f.answered_day",
        "",
        "f.answered_day IS NOT NULL",
        {
            "answered": "1",
            "on_time": "f.on_time::int",
            "answer_hours": "COALESCE(f.answer_hours, 0)",
        },
    ),
    ("f.overdue_start_day", "", "f.overdue_start_day IS NOT NULL", {"overdue_started": "1"}),
    ("f.overdue_end_day", "", "f.overdue_end_day IS NOT NULL", {"overdue_ended": "1"}),
    (
        "r.day",
        ", unnest(f.rating_days, f.rating_scores, f.rating_solved) AS r(day, score, solved)",
        "true",
        {"ratings": "1", "rating_sum": "r.score", "solved": "r.solved::int"},
    ),
)


def _contributions() -> str:
    parts = []
    for day, extra_from, where, values in _CONTRIBUTIONS:
        columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in COUNTERS)
        parts.append(
            f"SELECT {day} AS day, f.sign, f.region_id, f.municipality_id, f.organization_id, f.category_id, {columns} "
            f"FROM f{extra_from} WHERE {where}"
        )
    return "\nUNION ALL\n".join(parts)


_BUCKET = (
    "CASE g.grain WHEN 'd' THEN c.day WHEN 'w' THEN date_trunc('week', c.day)::date "
    "ELSE date_trunc('month', c.day)::date END"
)

# {source} yields fact rows with a `sign` column: +1 adds a fact, -1 takes it away. Groups whose
# contributions cancel out (an appeal that changed in nothing counted) are not written at all.
APPLY_ROLLUP = f"""
WITH f AS ({{source}}),
c AS ({_contributions()})
INSERT INTO analytics_rollup (grain, day, {DIMS}, {", ".join(COUNTERS)})
SELECT g.grain, {_BUCKET}, c.region_id, c.municipality_id, c.organization_id, c.category_id,
       {", ".join(f"SUM(c.sign * c.{name})" for name in COUNTERS)}
FROM c CROSS JOIN (VALUES ('d'), ('w'), ('m')) AS g(grain)
GROUP BY 1, 2, 3, 4, 5, 6
HAVING {" OR ".join(f"SUM(c.sign * c.{name}) <> 0" for name in COUNTERS)}
ON CONFLICT (grain, day, municipality_id, organization_id, category_id) DO UPDATE SET
{", ".join(f"{name} = analytics_rollup.{name} + EXCLUDED.{name}" for name in COUNTERS)}
"""

APPLY_GROUNDS = f"""
WITH f AS ({{source}}),
c AS (SELECT f.closed_day AS day, f.sign, {DIMS}, f.outcome AS kind, f.ground FROM f
      WHERE f.outcome IN ('rejected', 'ground'))
INSERT INTO analytics_groundrollup (grain, day, {DIMS}, kind, ground, count)
SELECT g.grain, {_BUCKET}, c.region_id, c.municipality_id, c.organization_id, c.category_id, c.kind, c.ground,
       SUM(c.sign)
FROM c CROSS JOIN (VALUES ('d'), ('m')) AS g(grain)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
HAVING SUM(c.sign) <> 0
ON CONFLICT (grain, day, municipality_id, organization_id, category_id, kind, ground) DO UPDATE SET
count = analytics_groundrollup.count + EXCLUDED.count
"""

APPLY_ANSWER_TIMES = f"""
WITH f AS ({{source}}),
c AS (SELECT f.answered_day AS day, f.sign, {DIMS}, f.answer_hours AS hours FROM f
      WHERE f.answered_day IS NOT NULL AND f.answer_hours IS NOT NULL)
INSERT INTO analytics_answertimerollup (grain, day, level, {DIMS}, hours, count)
SELECT g.grain, {_BUCKET}, l.level, c.region_id,
       CASE WHEN l.level IN ('m', 'x') THEN c.municipality_id ELSE 0 END,
       CASE WHEN l.level IN ('o', 'x') THEN c.organization_id ELSE 0 END,
       CASE WHEN l.level IN ('c', 'x') THEN c.category_id ELSE 0 END,
       c.hours, SUM(c.sign)
FROM c CROSS JOIN (VALUES ('d'), ('m')) AS g(grain) CROSS JOIN (VALUES ('r'), ('m'), ('o'), ('c'), ('x')) AS l(level)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
HAVING SUM(c.sign) <> 0
ON CONFLICT (grain, level, region_id, municipality_id, organization_id, category_id, day, hours) DO UPDATE SET
count = analytics_answertimerollup.count + EXCLUDED.count
"""
