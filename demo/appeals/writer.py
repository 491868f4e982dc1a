"""The SQL side of the appeal generator: COPY of the rows, ids and numbers reserved up front.

``_Rows`` collects one chunk's rows; ``_write_rows`` reserves the answer ids and COPYs the
appeals, answers, ratings, events and clarification messages of the chunk (psycopg 3
``cursor.copy``). ``_reserve_ids`` takes ids from a table's identity sequence so rows can
reference each other without a round trip; ``_reserve_numbers`` moves the ``AppealNumberCounter``
of each year past the numbers the generated appeals take.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import connection
from psycopg import sql

from appeals.models import Answer, Appeal, AppealNumberCounter, ClarificationMessage, Event, Rating


class _Rows:
    """The rows of one chunk, ready for COPY."""

    def __init__(self):
        self.appeals, self.events, self.clarifications, self.ratings = [], [], [], []
        self.answers: list[list] = []

    def answer(self, appeal_id, author, org, text, outcome, review_round, when) -> int:
        self.answers.append([None, appeal_id, author, org, text, outcome, review_round, when])
        return len(self.answers) - 1  # replaced by the reserved id before the ratings are written


def _copy(cursor, model, columns: Sequence[str], rows) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(model._meta.get_field(name).column) for name in columns),
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _reserve_ids(cursor, model, count: int) -> list[int]:
    """`count` ids from the table's identity sequence: unique even with concurrent inserts."""
    if count == 0:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
        [model._meta.db_table, model._meta.pk.column, count],
    )
    return [row[0] for row in cursor.fetchall()]


APPEAL_COLUMNS = (
    "id",
    "number",
    "citizen",
    "region",
    "category",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "text",
    "status",
    "organization",
    "complained_organization",
    "executor",
    "channel",
    "is_public",
    "submitted_at",
    "registration_due_at",
    "registered_at",
    "due_at",
    "answered_at",
    "closed_at",
    "close_reason",
    "ground",
    "duplicate_of",
    "extension_days",
    "extension_reason",
    "redirect_count",
    "review_round",
    "flagged_for_moderator",
    "rating_requested_at",
    "consent_at",
    "consent_version",
    "idempotency_key",
    "updated_at",
    "regime_version",
    "official_regime_version",
    "topic",
)
EVENT_COLUMNS = (
    "appeal",
    "actor",
    "action",
    "from_status",
    "to_status",
    "reason_code",
    "comment",
    "is_public",
    "data",
    "created_at",
)
ANSWER_COLUMNS = (
    "id",
    "appeal",
    "author",
    "organization",
    "text",
    "outcome",
    "review_round",
    "created_at",
)
RATING_COLUMNS = ("appeal", "answer", "score", "solved", "comment", "created_at")
CLARIFICATION_COLUMNS = ("appeal", "author", "kind", "text", "created_at")


def _write_rows(cursor, rows: _Rows) -> None:
    """COPY one chunk: the answers get their reserved ids, the ratings point at them."""
    answer_ids = _reserve_ids(cursor, Answer, len(rows.answers))
    for answer, answer_id in zip(rows.answers, answer_ids, strict=True):
        answer[0] = answer_id
    ratings = [(a, answer_ids[n], s, ok, c, w) for a, n, s, ok, c, w in rows.ratings]
    _copy(cursor, Appeal, APPEAL_COLUMNS, rows.appeals)
    _copy(cursor, Answer, ANSWER_COLUMNS, rows.answers)
    _copy(cursor, Rating, RATING_COLUMNS, ratings)
    _copy(cursor, Event, EVENT_COLUMNS, rows.events)
    _copy(cursor, ClarificationMessage, CLARIFICATION_COLUMNS, rows.clarifications)


def _reserve_numbers(region, per_year: Counter) -> dict[int, int]:
    """Move each (region, year) counter past the numbers the generated appeals take; returns the
    first sequence of each year. Later submissions continue after them."""
    first = {}
    statement = sql.SQL(
        "INSERT INTO {table} (region_id, year, last) VALUES (%s, %s, %s) "
        "ON CONFLICT (region_id, year) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last"
    ).format(table=sql.Identifier(AppealNumberCounter._meta.db_table))
    with connection.cursor() as cursor:
        for year, used in sorted(per_year.items()):
            cursor.execute(statement, [region.pk, year, used])
            first[year] = cursor.fetchone()[0] - used + 1
    return first
