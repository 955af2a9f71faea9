"""The rectification loop (整改闭环): every bad review and every finding opens a case.

States (domain words, Chinese in both UI languages)::

    待回访 → 已回访 → 整改中 → 已整改 → 已反馈 → 已复核
                  ├→ 已整改            (立行立改: fixed on the spot)
                  ├→ 解释说明 → 已反馈  (no legal basis to act: explained)
                  └→ 申诉复核 → 已复核  (appeal upheld: wrong or malicious review)
                             └→ 整改中 (appeal rejected: rectify after all)

A state change is a new ``CaseEvent`` row, never an edit; the latest event is the
current state. Each row goes to the audit chain and the outbox in the transaction
that writes it.

Deadlines are working days from the day the case is opened, read from the site's
settings (callback within N, rectify within M; defaults 1 and 5, Shandong practice,
see DOMAIN.md "Ratings"), counted by ``runtime.calendar`` so 调休 make-up Saturdays
count and National Day does not. A year without an official table is counted on
weekends only and the case says so (``due_estimate``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import peewee

from core import audit, outbox
from core.db import atomic
from core.i18n import _
from core.roles import Role
from core.workdays import WorkingCalendar
from plugins.feedback.models import Case, CaseEvent, row_data

log = logging.getLogger(__name__)

CASE_KIND = "feedback.case"
EVENT_KIND = "feedback.case_event"


class CaseState(StrEnum):
    PENDING_CALLBACK = "pending_callback"
    CALLED_BACK = "called_back"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    FED_BACK = "fed_back"
    REVIEWED = "reviewed"
    EXPLAINED = "explained"
    APPEALED = "appealed"

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
}

S = CaseState
TRANSITIONS: dict[CaseState, tuple[CaseState, ...]] = {
    S.PENDING_CALLBACK: (S.CALLED_BACK,),
    S.CALLED_BACK: (S.RECTIFYING, S.RECTIFIED, S.EXPLAINED, S.APPEALED),
    S.RECTIFYING: (S.RECTIFIED,),
    S.RECTIFIED: (S.FED_BACK,),
    S.EXPLAINED: (S.FED_BACK,),
    S.APPEALED: (S.REVIEWED, S.RECTIFYING),
    S.FED_BACK: (S.REVIEWED,),
    S.REVIEWED: (),
}

# States reached once the unit has called back / has dealt with the complaint.
CALLED_BACK_STATES = frozenset(S) - {S.PENDING_CALLBACK}
HANDLED_STATES = frozenset({S.RECTIFIED, S.FED_BACK, S.REVIEWED, S.EXPLAINED})
# Still running against the rectification deadline.
OPEN_STATES = frozenset({S.PENDING_CALLBACK, S.CALLED_BACK, S.RECTIFYING, S.APPEALED})
NEEDS_NOTE = frozenset({S.EXPLAINED, S.APPEALED})
REVIEW_ROLES = frozenset({Role.SUPERVISOR})

DEFAULT_SETTINGS: dict[str, Any] = {
    "callback_within_working_days": 1,
    "rectify_within_working_days": 5,
}


class CaseError(ValueError):
    """A refused state change; ``str()`` is the sentence for the clerk."""


@dataclass(frozen=True)
class CaseView:
    case: Case
    state: CaseState
    overdue: bool
    overdue_what: str  # "callback" | "rectify" | ""


def _days(settings: dict[str, Any], key: str) -> int:
    """A deadline setting; a value that is not a whole number ≥ 0 falls back to the default."""
    value = settings.get(key, DEFAULT_SETTINGS[key])
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    log.warning("setting feedback.%s=%r is not a number of days; using %s", key, value,
                DEFAULT_SETTINGS[key])  # fmt: skip
    return int(DEFAULT_SETTINGS[key])


def deadlines(
    calendar: WorkingCalendar, opened_on: dt.date, settings: dict[str, Any]
) -> tuple[dt.date, dt.date, bool]:
    callback = calendar.add_working_days(opened_on, _days(settings, "callback_within_working_days"))
    rectify = calendar.add_working_days(opened_on, _days(settings, "rectify_within_working_days"))
    return callback.due, rectify.due, callback.is_estimate or rectify.is_estimate


def _case_payload(case: Case) -> dict[str, Any]:
    return row_data(case)


def _event_payload(event: CaseEvent, case: Case) -> dict[str, Any]:
    data = row_data(event)
    # Lets the server route the event to both sites without a lookup.
    data["unit_site"] = case.unit_site
    data["case_site"] = case.site_code
    return data


def open_case(
    *,
    source: str,
    source_id: str,
    site_code: str,
    unit_site: str,
    calendar: WorkingCalendar,
    settings: dict[str, Any],
    actor: str,
    opened_on: dt.date,
    summary: str = "",
    window_no: str = "",
    staff_no: str = "",
    item_code: str = "",
    department: str = "",
    level: int | None = None,
    real_name: bool = False,
    rated_on: dt.date | None = None,
) -> Case:
    """Open a case and its first event (待回访); the caller holds the transaction."""
    rated_on = rated_on or opened_on
    callback_due, rectify_due, estimate = deadlines(calendar, opened_on, settings)
    case = Case.create(
        source=source,
        source_id=source_id,
        site_code=site_code,
        unit_site=unit_site or site_code,
        window_no=window_no,
        staff_no=staff_no,
        item_code=item_code,
        department=department,
        summary=summary,
        level=level,
        real_name=real_name,
        rated_on=rated_on,
        rating_month=rated_on.strftime("%Y-%m"),
        opened_on=opened_on,
        callback_due=callback_due,
        rectify_due=rectify_due,
        due_estimate=estimate,
        actor=actor,
    )
    audit.record(CASE_KIND, actor=actor, row=case)
    outbox.enqueue(CASE_KIND, case.id, _case_payload(case))
    event = CaseEvent.create(
        case_id=case.id,
        from_state="",
        to_state=S.PENDING_CALLBACK.value,
        actor=actor,
        happened_on=opened_on,
    )
    audit.record(EVENT_KIND, actor=actor, row=event)
    outbox.enqueue(EVENT_KIND, event.id, _event_payload(event, case))
    return case


def history(case_id: str) -> list[CaseEvent]:
    return list(
        CaseEvent.select()
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.created_at, CaseEvent.id)
    )


def state_of(case_id: str) -> CaseState:
    last = (
        CaseEvent.select()
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .first()
    )
    return CaseState(last.to_state) if last is not None else S.PENDING_CALLBACK


def current_states(case_ids: list[str] | None = None) -> dict[str, CaseState]:
    """The state of every case (or of ``case_ids``) in one query."""
    latest = CaseEvent.select(
        CaseEvent.case_id, peewee.fn.MAX(CaseEvent.created_at).alias("at")
    ).group_by(CaseEvent.case_id)
    if case_ids is not None:
        latest = latest.where(CaseEvent.case_id.in_(case_ids))
    states: dict[str, tuple[str, str]] = {}
    query: Any = (
        CaseEvent.select(CaseEvent.case_id, CaseEvent.to_state, CaseEvent.id)
        .join(
            latest,
            on=((CaseEvent.case_id == latest.c.case_id) & (CaseEvent.created_at == latest.c.at)),
        )
        .tuples()
    )
    for case_id, to_state, event_id in query:
        # Two events in the same instant: the later time-ordered id wins.
        if case_id not in states or event_id > states[case_id][1]:
            states[case_id] = (to_state, event_id)
    return {case_id: CaseState(state) for case_id, (state, _id) in states.items()}


def overdue_what(case: Case, state: CaseState, today: dt.date) -> str:
    if state is S.PENDING_CALLBACK and today > case.callback_due:
        return "callback"
    if state in OPEN_STATES and today > case.rectify_due:
        return "rectify"
    return ""


def list_cases(
    unit_site: str | None, today: dt.date, *, opened_here: bool = False
) -> list[CaseView]:
    """Cases of a unit (all when None), overdue first, then by rectification deadline.

    ``opened_here`` adds the cases this site opened for other units (an inspection
    of a town hall), to follow their progress.
    """
    query = Case.select()
    if unit_site is not None:
        where = Case.unit_site == unit_site
        if opened_here:
            where |= Case.site_code == unit_site
        query = query.where(where)
    cases = list(query)
    # All states at once: one pass over the events' covering index, and no
    # parameter list as long as the cases.
    states = current_states() if cases else {}
    views = []
    for case in cases:
        state = states.get(case.id, S.PENDING_CALLBACK)
        what = overdue_what(case, state, today)
        views.append(CaseView(case, state, bool(what), what))
    views.sort(key=lambda v: (not v.overdue, v.state is S.REVIEWED, v.case.rectify_due))
    return views


def _site_name(code: str) -> str:
    from core.models import Site

    site = Site.get_or_none(Site.code == code)
    return str(site.name) if site is not None else code


def unit_label(unit_site: str, here: str) -> str:
    """'本站' for this site's own cases, else the unit's name."""
    return _("this site") if unit_site == here else _site_name(unit_site)


def overdue_count(unit_site: str | None, today: dt.date) -> tuple[int, int]:
    """(overdue, open) cases of a unit, for the home tile."""
    views = list_cases(unit_site, today)
    return sum(v.overdue for v in views), sum(v.state is not S.REVIEWED for v in views)


def allowed_next(state: CaseState) -> tuple[CaseState, ...]:
    return TRANSITIONS[state]


def transition(
    case_id: str,
    to_state: CaseState,
    *,
    actor: str,
    role: str,
    today: dt.date,
    note: str = "",
    site_code: str | None = None,
) -> CaseEvent:
    """Move a case on: a new event row, audited and queued for the server.

    ``site_code`` is the acting staff member's site: the responsible unit handles
    its case (谁办理谁负责); the site that opened it for another unit may only review.
    """
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise CaseError(_("This case no longer exists; refresh the list."))
    if site_code is not None and site_code != case.unit_site and to_state is not S.REVIEWED:
        raise CaseError(
            _("{unit} handles this case; this site can follow it and review it only.").format(
                unit=_site_name(case.unit_site)
            )
        )
    with atomic():
        current = state_of(case_id)
        if to_state not in TRANSITIONS[current]:
            allowed = "、".join(s.label for s in TRANSITIONS[current]) or _("none (closed)")
            raise CaseError(
                _(
                    "A case in state {state} cannot move to {target}. Allowed next: {allowed}."
                ).format(state=current.label, target=to_state.label, allowed=allowed)
            )
        if to_state is S.REVIEWED and Role(role) not in REVIEW_ROLES:
            raise CaseError(_("Only a supervisor can review (复核) a case."))
        note = note.strip()
        if to_state in NEEDS_NOTE and not note:
            raise CaseError(
                _("Moving to {target} needs a note: write the reason in the note field.").format(
                    target=to_state.label
                )
            )
        event = CaseEvent.create(
            case_id=case_id,
            from_state=current.value,
            to_state=to_state.value,
            note=note,
            actor=actor,
            happened_on=today,
        )
        audit.record(EVENT_KIND, actor=actor, row=event)
        outbox.enqueue(EVENT_KIND, event.id, _event_payload(event, case))
    log.info("case %s: %s -> %s by %s", case_id, current.value, to_state.value, actor)
    return event


def _columns(model: type[peewee.Model], data: dict[str, Any]) -> dict[str, Any]:
    """A pulled payload as column values: ISO texts back to dates and times, so they
    sort with the rows made here."""
    values: dict[str, Any] = {}
    for name, column in model._meta.fields.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) and value:
            if isinstance(column, peewee.DateTimeField):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(column, peewee.DateField):
                value = dt.date.fromisoformat(value)
        values[name] = value
    return values


def apply_remote_case(data: dict[str, Any]) -> None:
    """A case routed here by the server (opened elsewhere, or at another workstation
    of this site): keep it if new. Rows are never edited, so a copy is final."""
    Case.insert(**_columns(Case, data)).on_conflict_ignore().execute()


def apply_remote_event(data: dict[str, Any]) -> None:
    CaseEvent.insert(**_columns(CaseEvent, data)).on_conflict_ignore().execute()
