"""Pass 2 of the appeal generator: one appeal with its whole history, as the services write it.

``_History.build`` (a ``_Generator`` mixin) takes a planned appeal, draws its citizen, place,
text and channel, lets ``plan`` draw and fit its path, then replays the path step by step the way
``appeals.services`` would have: the appeal row with its final fields, its events, answers,
ratings and clarification messages, appended to the chunk's ``writer._Rows``. ``_Vars`` fills the
templates of ``texts`` lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appeals.models import Appeal, ClarificationMessage, Event
from appeals.services.filing import CONSENT_VERSION, REGISTRATION_WINDOW
from demo.appeals.plan import _dt, _weighted
from demo.appeals.reference import _Place
from demo.appeals.texts import (
    ANSWERS,
    CHANNELS,
    CLARIFICATION_REPLIES,
    CLARIFICATION_REQUESTS,
    CLOSINGS,
    COORDINATES_SHARE,
    DAY,
    DOCTORS,
    DRUGS,
    EXTENSION_REASONS,
    GENERIC_ANSWERS,
    GENERIC_TEMPLATES,
    OPENINGS,
    REJECT_GROUNDS,
    REREVIEW_PREFIX,
    STATUSES,
    STOPS,
    S,
)

A = Event.Action

if TYPE_CHECKING:
    from demo.appeals import _Generator
    from demo.appeals.writer import _Rows


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


class _Vars(dict):
    """Template values, drawn only when a template asks for them."""

    def __init__(self, gen: _Generator, place: _Place, t0: float, category_name: str):
        super().__init__()
        self.gen, self.place, self.t0, self.category_name = gen, place, t0, category_name

    def __missing__(self, key: str) -> str:
        rng, place = self.gen.rng, self.place
        if key == "addr":
            value = place.short
        elif key == "on_street":
            value = place.on_street
        elif key == "On_street":
            value = place.on_street[0].upper() + place.on_street[1:]
        elif key == "num":
            value = str(rng.randint(1, 40))
        elif key == "flat":
            value = str(rng.randint(1, 120))
        elif key == "days":
            n = rng.randint(2, 14)
            value = f"{n} {_plural(n, 'день', 'дня', 'дней')}"
        elif key == "date":
            value = self.gen.local_date(self.t0 - rng.uniform(1, 20) * DAY)
        elif key == "hour":
            value = f"{rng.randint(6, 22)}:{rng.choice(('00', '15', '30', '45'))}"
        elif key == "evening":
            value = f"{rng.randint(18, 21)}:{rng.choice(('00', '30'))}"
        elif key == "n":  # 2–4: «3 раза», «на 4 недели», «2 месяца»
            value = str(rng.randint(2, 4))
        elif key == "temp":
            value = str(rng.randint(9, 16))
        elif key == "cm":
            value = str(rng.randint(10, 40))
        elif key == "route":
            value = str(rng.randint(1, 40))
        elif key == "stop":
            value = rng.choice(STOPS)
        elif key == "year":
            value = str(self.gen.now_year - rng.randint(1, 5))
        elif key == "qyear":
            value = str(self.gen.now_year - rng.randint(1, 6))
        elif key == "doctor":
            value = rng.choice(DOCTORS)
        elif key == "drug":
            value = rng.choice(DRUGS)
        elif key == "category":
            value = self.category_name
        else:
            raise KeyError(key)
        self[key] = value
        return value


class _History:
    """One appeal and its history, replayed into rows (a ``_Generator`` mixin)."""

    # --- pass 2: one appeal with its history ----------------------------------------------------
    def build(
        self, appeal_id: int, number: str, t0: float, kind: int, cat: int, out: _Rows
    ) -> None:
        rng = self.rng
        status = STATUSES[kind & 15]
        rereview = bool(kind & 16)
        category_id, term, day_count, section, category_name, templates = self.category_rows[cat]

        citizen_id, home = self.citizens.pick(rng)
        municipality_id = (
            home if home is not None and rng.random() < 0.85 else self.pick_municipality()
        )
        if self.allowed is not None and municipality_id not in self.allowed[category_id]:
            options = self.allowed[category_id]
            municipality_id = home if home in options else rng.choice(options)
        info = self.places[self.municipality_index[municipality_id]]
        place = _Place(info, rng)
        values = _Vars(self, place, t0, category_name)
        text = (
            rng.choice(OPENINGS)
            + rng.choice(templates or GENERIC_TEMPLATES).format_map(values)
            + rng.choice(CLOSINGS)
        )
        latitude = longitude = None
        if info["lat"] is not None and rng.random() < COORDINATES_SHARE:
            latitude = f"{info['lat'] + rng.gauss(0, 0.012):.5f}"
            longitude = f"{info['lon'] + rng.gauss(0, 0.02):.5f}"
        channel = _weighted(rng, CHANNELS)
        org0 = self.route[category_id, municipality_id]
        (
            regime_version,
            term,
            day_count,
            may_extend,
            extension_cap,
            forwarding,
            outcomes,
            official_version,
        ) = self.regime_term(
            category_id,
            org0,
            term,
            day_count,
            channel,
            self.citizens.assurance(citizen_id, channel),
        )

        steps = self._path(status, rereview, t0, term, org0, category_id)
        self._fit(steps, t0, status)

        # Replay the path the way the services would have written it.
        st, org, executor, registered, due = S.SUBMITTED, None, None, None, None
        answered = closed = rating_requested = None
        close_reason = ground = extension_reason = ""
        extension_days = duplicate_of = None
        redirect_count = review_round = 0
        flagged = False
        answers = {}
        events = out.events
        for step in steps:
            action, t = step[0], step[1]
            when = _dt(t)
            if action == A.SUBMIT:
                events.append(
                    (
                        appeal_id,
                        citizen_id,
                        A.SUBMIT,
                        "",
                        S.SUBMITTED,
                        "",
                        "",
                        True,
                        f'{{"channel": "{channel}"}}',
                        when,
                    )
                )
                continue
            before = st
            actor, reason_code, comment, public, data = None, "", "", True, "{}"
            if action == A.REJECT:
                st, closed = S.REJECTED, t
                ground, comment = step[2], step[3]
                previous = self.last_by_citizen.get(citizen_id)
                if ground == "duplicate":
                    if previous is None:
                        ground, comment = "unclear", REJECT_GROUNDS[0][2]
                    else:
                        duplicate_of = previous[0]
                        data = f'{{"duplicate_of": "{previous[1]}"}}'
                reason_code = ground
                actor = self._moderator()
            elif action == A.ACCEPT:
                st, org, registered = S.REGISTERED, org0, t
                due = self.due(t, term, day_count)
                actor = self._moderator()
                data = (
                    f'{{"category_changed": false, "organization_chosen": false, '
                    f'"organization": {org0}}}'
                )
            elif action == A.REDIRECT:
                target = step[2]
                actor = rng.choice(self.executors[org]) if rng.random() < 0.7 else self._moderator()
                if t - registered <= forwarding:
                    due = self.due(t, term, day_count)
                    extension_days, extension_reason = None, ""  # a fresh term drops it
                comment = f"Вопрос относится к компетенции организации «{self.org_names.get(target, '')}»."
                fresh = "true" if t - registered <= forwarding else "false"
                data = f'{{"organization": {target}, "from": {org}, "fresh_term": {fresh}}}'
                org, executor, redirect_count = target, None, redirect_count + 1
            elif action in (A.TAKE, A.ASSIGN):
                st = S.IN_PROGRESS
                executor = rng.choice(self.executors[org])
                heads = self.heads[org]
                if action == A.ASSIGN and heads:
                    actor, public, data = rng.choice(heads), False, f'{{"executor": {executor}}}'
                else:
                    action, actor = A.TAKE, executor
            elif action == A.REQUEST_CLARIFICATION:
                st = S.CLARIFICATION
                executor = executor or rng.choice(self.executors[org])
                actor, comment = executor, rng.choice(CLARIFICATION_REQUESTS)
                out.clarifications.append(
                    (appeal_id, executor, ClarificationMessage.Kind.REQUEST, comment, when)
                )
            elif action == "reply":
                action, st, actor = A.REPLY_TO_CLARIFICATION, S.IN_PROGRESS, citizen_id
                comment = rng.choice(CLARIFICATION_REPLIES).format_map(values)
                out.clarifications.append(
                    (appeal_id, citizen_id, ClarificationMessage.Kind.REPLY, comment, when)
                )
            elif action == A.EXTEND_DEADLINE:
                heads = self.heads[org]
                if not heads or t >= due or extension_days is not None:
                    continue
                reason, head = rng.choice(EXTENSION_REASONS), rng.choice(heads)
                if not may_extend:  # the regime allows none (drawn anyway: the same stream)
                    continue
                days = min(step[2], extension_cap)
                due, extension_days = self.extend(due, days), days
                extension_reason = comment = reason
                actor, data = head, f'{{"days": {days}}}'
            elif action == A.ANSWER:
                st, answered, rating_requested = S.ANSWERED, t, t
                executor = executor or rng.choice(self.executors[org])
                actor = executor
                answer_text = rng.choice(ANSWERS.get(section) or GENERIC_ANSWERS)
                values["date"] = self.local_date(t - rng.uniform(0.1, 2) * DAY)
                answer_text = answer_text.format_map(values)
                if review_round:
                    answer_text = REREVIEW_PREFIX + answer_text[0].lower() + answer_text[1:]
                answers[review_round] = out.answer(
                    appeal_id,
                    executor,
                    org,
                    answer_text,
                    _outcome(appeal_id, review_round, outcomes),
                    review_round,
                    when,
                )
            elif action == A.RATE:
                score, solved, comment = step[2], step[3], step[4]
                actor = citizen_id
                out.ratings.append((appeal_id, answers[review_round], score, solved, comment, when))
                data = f'{{"score": {score}, "solved": {"true" if solved else "false"}}}'
                low = score <= 2 or not solved
                if low and review_round == 0:
                    st, review_round, answered, rating_requested = S.IN_PROGRESS, 1, None, None
                    due = self.due(t, term, day_count)
                    extension_days, extension_reason = None, ""  # a fresh term drops it
                else:
                    st, closed = S.CLOSED, t
                    close_reason = (
                        Appeal.CloseReason.LOW_RATING_AFTER_REVIEW
                        if low
                        else Appeal.CloseReason.RATED
                    )
                    flagged = low
            elif action == A.CLOSE:
                st, closed, close_reason = S.CLOSED, t, Appeal.CloseReason.NOT_RATED
                reason_code = close_reason
            elif action == A.CLOSE_ON_GROUND:
                st, closed, close_reason = S.CLOSED, t, Appeal.CloseReason.GROUND
                ground = reason_code = step[2]
                comment = step[3]
                actor = executor or rng.choice(self.executors[org])
            events.append(
                (appeal_id, actor, action, before, st, reason_code, comment, public, data, when)
            )

        if st != status:  # the path is drawn to end in the planned status; a bug if not
            raise AssertionError(f"{number}: planned {status}, got {st}")
        self.last_by_citizen[citizen_id] = (appeal_id, number)
        out.appeals.append(
            (
                appeal_id,
                number,
                citizen_id,
                self.region.pk,
                category_id,
                municipality_id,
                place.full,
                latitude,
                longitude,
                text,
                st,
                org,
                None,
                executor,
                channel,
                False,
                _dt(t0),
                _dt(t0 + REGISTRATION_WINDOW.total_seconds()),
                _dt(registered),
                _dt(due),
                _dt(answered),
                _dt(closed),
                close_reason,
                ground,
                duplicate_of,
                extension_days,
                extension_reason,
                redirect_count,
                review_round,
                flagged,
                _dt(rating_requested),
                _dt(t0),
                CONSENT_VERSION,
                None,
                _dt(steps[-1][1]),
                regime_version if registered is not None else None,
                official_version if registered is not None else None,
                self.topics.get(category_id) if registered is not None else None,
            )
        )

    def _moderator(self):
        return self.rng.choice(self.moderators) if self.moderators else None


# The shares of the results of the review in the demo answers (roughly those regions report
# under Decree 171), drawn from the appeal's id so the random stream of the history is unchanged.
OUTCOME_SHARES = (
    ("measures_taken", 45),
    ("explained", 40),
    ("not_supported", 10),
    ("supported", 5),
)


def _outcome(appeal_id: int, review_round: int, allowed: tuple) -> str:
    """A result its regime allows; a re-review ends with measures taken where it may."""
    shares = [(value, share) for value, share in OUTCOME_SHARES if value in allowed]
    if review_round and "measures_taken" in allowed:
        return "measures_taken"
    point = (appeal_id * 2654435761) % sum(share for _, share in shares)
    for value, share in shares:
        if point < share:
            return value
        point -= share
    return shares[-1][0]
