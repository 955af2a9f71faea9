"""The rules of the rectification loop: one table, read by everything that moves a case.

Each row of ``STEPS`` is one transition of a case's state machine and says who may
make it and what it needs:

- ``roles``: the staff roles allowed (a window clerk handles the case; only a
  supervisor reviews, 复核);
- ``side``: whose step it is. The responsible unit (谁办理谁负责) calls back, fixes,
  explains and reports back; the site that opened the case for another unit (a
  district inspecting a town hall) follows it and may review it;
- ``needs_note``, ``needs_callback_at``, ``needs_evidence``: what the step must carry
  (the callback's result and when it happened; the fix's evidence);
- ``not_by_recorder_of``: four eyes (四眼). Whoever recorded the fix or the
  explanation may not review it, and whoever lodged an appeal may not decide it.
- ``by_void``: the step is taken only by voiding the rating that opened the case
  (a card keyed twice or on the wrong window: there was no complaint to rectify).
  The case is withdrawn (已撤销) with the void's reason, by whoever voided the card,
  at the site that keyed it; the screen never offers it, and the central server
  accepts it only when it holds the void.

A clerk moves only the cases of their own window (or naming them, or naming no
window); supervisors move every case of their site.

The cases screen (which digits it offers, which fields it asks for), the service
(``cases.transition``), the apply path of pulled changes (``cases.apply_remote_event``)
and the central server's ``check`` of a pushed event (``server_checks``) all call
``refusal()``: there is no second copy of these rules. The module has no database
access: callers hand it the facts, so the server can use it on its own tables.

Dates: a step happens today or in the past (a small clock skew allowed), never
before the case was opened; a callback time likewise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.i18n import _
from core.roles import Role

# How far ahead of the checker's clock a date may be: a workstation whose clock runs
# a little fast, or a day boundary crossed between recording and checking.
CLOCK_SKEW = dt.timedelta(minutes=10)


class CaseState(StrEnum):
    PENDING_CALLBACK = "pending_callback"
    CALLED_BACK = "called_back"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    FED_BACK = "fed_back"
    REVIEWED = "reviewed"
    EXPLAINED = "explained"
    APPEALED = "appealed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    CaseState.PENDING_CALLBACK: "待回访",
    CaseState.CALLED_BACK: "已回访",
    CaseState.RECTIFYING: "整改中",
    CaseState.RECTIFIED: "已整改",
    CaseState.FED_BACK: "已反馈",
    CaseState.REVIEWED: "已复核",
    CaseState.EXPLAINED: "解释说明",
    CaseState.APPEALED: "申诉复核",
    CaseState.WITHDRAWN: "已撤销",
}


class Side(StrEnum):
    """Which site may record a step."""

    OPENER = "opener"  # the site that opened the case
    UNIT = "unit"  # the responsible unit
    EITHER = "either"  # the unit, or the site that opened it (to review)


@dataclass(frozen=True)
class Step:
    """One transition; ``source`` None is the opening of the case."""

    source: CaseState | None
    target: CaseState
    roles: frozenset[Role]
    side: Side
    needs_note: bool = False
    needs_callback_at: bool = False
    needs_evidence: bool = False
    not_by_recorder_of: frozenset[CaseState] = frozenset()
    by_void: bool = False


S = CaseState
_HANDLERS = frozenset({Role.CLERK, Role.SUPERVISOR})
_REVIEWERS = frozenset({Role.SUPERVISOR})
# Who opens cases: whoever keys in ratings (a bad review) or logs inspections (a finding).
OPENERS = frozenset({Role.CLERK, Role.SUPERVISOR, Role.OFFICER})

STEPS: tuple[Step, ...] = (
    Step(None, S.PENDING_CALLBACK, OPENERS, Side.OPENER),
    Step(S.PENDING_CALLBACK, S.CALLED_BACK, _HANDLERS, Side.UNIT,
         needs_note=True, needs_callback_at=True),
    # On the ledger (台账) with a deadline: the note says what will be done.
    Step(S.CALLED_BACK, S.RECTIFYING, _HANDLERS, Side.UNIT, needs_note=True),
    # 立行立改: fixed on the spot.
    Step(S.CALLED_BACK, S.RECTIFIED, _HANDLERS, Side.UNIT, needs_evidence=True),
    Step(S.CALLED_BACK, S.EXPLAINED, _HANDLERS, Side.UNIT, needs_note=True),
    Step(S.CALLED_BACK, S.APPEALED, _HANDLERS, Side.UNIT, needs_note=True),
    Step(S.RECTIFYING, S.RECTIFIED, _HANDLERS, Side.UNIT, needs_evidence=True),
    # 件件有反馈: what the person was told.
    Step(S.RECTIFIED, S.FED_BACK, _HANDLERS, Side.UNIT, needs_note=True),
    Step(S.EXPLAINED, S.FED_BACK, _HANDLERS, Side.UNIT, needs_note=True),
    # The appeal decided: upheld (closed) or rejected (rectify after all).
    Step(S.APPEALED, S.REVIEWED, _REVIEWERS, Side.EITHER,
         needs_note=True, not_by_recorder_of=frozenset({S.APPEALED})),
    Step(S.APPEALED, S.RECTIFYING, _REVIEWERS, Side.EITHER,
         needs_note=True, not_by_recorder_of=frozenset({S.APPEALED})),
    Step(S.FED_BACK, S.REVIEWED, _REVIEWERS, Side.EITHER,
         not_by_recorder_of=frozenset({S.RECTIFIED, S.EXPLAINED})),
    # The rating that opened the case was voided: from any state but the closed ones.
    *(
        Step(source, S.WITHDRAWN, OPENERS, Side.OPENER, needs_note=True, by_void=True)
        for source in (S.PENDING_CALLBACK, S.CALLED_BACK, S.RECTIFYING, S.RECTIFIED,
                       S.FED_BACK, S.EXPLAINED, S.APPEALED)
    ),
)  # fmt: skip
# States a case leaves no more.
CLOSED_STATES = frozenset({S.REVIEWED, S.WITHDRAWN})

_BY_PAIR: dict[tuple[CaseState | None, CaseState], Step] = {
    (step.source, step.target): step for step in STEPS
}
# Next states of each state, in the table's order (the digits the screen offers);
# a withdrawal is not among them: it comes with a void.
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    state: tuple(step.target for step in STEPS if step.source is state and not step.by_void)
    for state in CaseState
}


def step_for(source: CaseState | None, target: CaseState) -> Step | None:
    return _BY_PAIR.get((source, target))


def parse_state(value: object) -> CaseState | None:
    """A state from stored or pulled text; None when it is not one."""
    try:
        return CaseState(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case."""

    unit_site: str
    opening_site: str
    window_no: str
    staff_no: str
    opened_on: dt.date


@dataclass(frozen=True)
class Actor:
    """Who records a step. ``window_no`` None: not known here (the rule is then left to
    the side that knows it, the server)."""

    staff_no: str
    role: str
    site_code: str
    window_no: str | None = ""


@dataclass(frozen=True)
class Move:
    """The step being recorded."""

    target: CaseState
    happened_on: dt.date
    note: str = ""
    evidence: str = ""
    called_at: dt.datetime | None = None
    voided: bool = False  # the rating that opened the case is voided (by_void steps)


def sees(actor: Actor, case: CaseFacts) -> bool:
    """Whether the case is on this person's list: a supervisor sees the cases of their
    site (as the unit, or as the site that opened them); a clerk those of their unit
    that are theirs (their window, their name, or no window)."""
    if actor.role == Role.SUPERVISOR:
        return actor.site_code in (case.unit_site, case.opening_site)
    if actor.role == Role.CLERK:
        return actor.site_code == case.unit_site and _clerks_case(actor, case)
    return False


def _clerks_case(actor: Actor, case: CaseFacts) -> bool:
    if actor.window_no is None:
        return True  # not known here: the server, which knows it, checked
    if not case.window_no:
        return True
    return case.window_no == actor.window_no or (
        bool(case.staff_no) and case.staff_no == actor.staff_no
    )


def _role_names(roles: frozenset[Role]) -> str:
    order = [role for role in Role if role in roles]
    return "、".join(role.label for role in order)


def refusal(
    case: CaseFacts,
    current: CaseState | None,
    move: Move,
    actor: Actor,
    recorders: Mapping[CaseState, str],
    now: dt.datetime,
    *,
    unit_name: str = "",
) -> str | None:
    """Why ``actor`` may not record ``move`` on a case in state ``current`` (None: the
    case has no state yet), or None when the rules allow it. ``recorders`` maps a state
    to whoever last moved the case into it (four eyes); ``now`` is the checker's wall
    clock in the bureau's time (``local_now()``), naive like the dates recorded."""
    step = step_for(current, move.target)
    if step is None:
        if current is None:
            return _("A case starts in state 待回访; it cannot start in {target}.").format(
                target=move.target.label
            )
        allowed = "、".join(s.label for s in TRANSITIONS[current]) or _("none (closed)")
        return _(
            "A case in state {state} cannot move to {target}. Allowed next: {allowed}."
        ).format(state=current.label, target=move.target.label, allowed=allowed)
    try:
        role = Role(actor.role)
    except ValueError:
        role = None
    if step.by_void and not move.voided:
        return _("A case is withdrawn (已撤销) only by voiding the rating that opened it.")
    if role not in step.roles:
        if step.roles == _REVIEWERS:
            return _("Only a supervisor can review (复核) a case.")
        return _("Moving a case to {target} is for: {roles}.").format(
            target=move.target.label, roles=_role_names(step.roles)
        )
    unit = unit_name or case.unit_site
    if step.side is Side.UNIT and actor.site_code != case.unit_site:
        return _("{unit} handles this case; this site can follow it and review it only.").format(
            unit=unit
        )
    if step.side is Side.OPENER and actor.site_code != case.opening_site:
        return _("A case is opened by the site that records the rating or the finding.")
    if step.side is Side.EITHER and actor.site_code not in (case.unit_site, case.opening_site):
        return _("Only {unit} or the site that opened the case can review it.").format(unit=unit)
    # Anyone keying in a card opens its case, whichever window it rates (and withdraws
    # it with the card's void).
    if (
        role is Role.CLERK
        and step.source is not None
        and not step.by_void
        and not _clerks_case(actor, case)
    ):
        return _("This case is window {window}'s: its clerk or a supervisor moves it.").format(
            window=case.window_no
        )
    for state in step.not_by_recorder_of:
        if recorders.get(state) and recorders[state] == actor.staff_no:
            return _(
                "Four eyes: you recorded {state} on this case, so another supervisor reviews it."
            ).format(state=state.label)
    if step.needs_note and not move.note.strip():
        return _("Moving to {target} needs a note: write the reason in the note field.").format(
            target=move.target.label
        )
    if step.needs_evidence and not move.evidence.strip():
        return _(
            "Moving to {target} needs the evidence of the fix (photo, document number…)."
        ).format(target=move.target.label)
    if step.needs_callback_at and move.called_at is None:
        return _("Moving to {target} needs the time of the callback (YYYY-MM-DD HH:MM).").format(
            target=move.target.label
        )
    return date_refusal(case, move, now)


# China Standard Time: UTC+8 all year (no daylight saving since 1991). A fixed offset
# rather than zoneinfo, which needs the tzdata package on Windows counters.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))


def local_now() -> dt.datetime:
    """The bureau's wall clock (naive, China Standard Time): what the dates and
    callback times a clerk records are in, whatever zone the server runs in."""
    return dt.datetime.now(CHINA_STANDARD_TIME).replace(tzinfo=None)


def date_refusal(case: CaseFacts, move: Move, now: dt.datetime) -> str | None:
    """A date in the future (beyond the clock skew) or before the case was opened."""
    latest_day = (now + CLOCK_SKEW).date()
    if move.happened_on > latest_day:
        return _("The date {date} is in the future.").format(date=move.happened_on.isoformat())
    if move.happened_on < case.opened_on:
        return _("The date {date} is before the case was opened ({opened}).").format(
            date=move.happened_on.isoformat(), opened=case.opened_on.isoformat()
        )
    if move.called_at is not None:
        if move.called_at > now + CLOCK_SKEW:
            return _("The callback time {time} is in the future.").format(
                time=move.called_at.strftime("%Y-%m-%d %H:%M")
            )
        if move.called_at.date() < case.opened_on:
            return _("The callback time {time} is before the case was opened ({opened}).").format(
                time=move.called_at.strftime("%Y-%m-%d %H:%M"), opened=case.opened_on.isoformat()
            )
    return None
