"""The rectification loop (整改闭环): every bad review and every finding opens a case.

States (domain words, Chinese in both UI languages)::

    待回访 → 已回访 → 整改中 → 已整改 → 已反馈 → 已复核
                  ├→ 已整改            (立行立改: fixed on the spot)
                  ├→ 解释说明 → 已反馈  (no legal basis to act: explained)
                  └→ 申诉复核 → 已复核  (appeal upheld: wrong or malicious review)
                             └→ 整改中 (appeal rejected: rectify after all)

Who may make each move and what it needs is one table, ``case_rules.STEPS``; this
module applies it to the store: ``transition()`` for a step taken here,
``apply_remote_case/event()`` for one pulled from the server (checked again:
a change that breaks the rules raises ``RecordRejected`` and is parked with its
reason, never written, never a crash).

A state change is a new ``CaseEvent`` row, never an edit; the event with the highest
``step`` is the current state (steps are given here, in the order events were
accepted, so no workstation's clock decides it). Each row goes to the audit chain
and the outbox in the transaction that writes it.

Deadlines are working days from the day the case is opened, read from the site's
settings (callback within N, rectify within M; defaults 1 and 5, Shandong practice,
see DOMAIN.md "Ratings"), counted by ``runtime.calendar`` so 调休 make-up Saturdays
count and National Day does not. A year without an official table is counted on
weekends only and the case says so (``due_estimate``).

Rows written before these checks existed may hold anything (a date "never", a state
nobody knows): reading them never raises; such an event is left out of a case's
state and such a date shows as unknown.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import peewee

from core import audit, outbox
from core.db import atomic
from core.i18n import _
from core.outbox import RecordRejected
from core.workdays import WorkingCalendar
from plugins.feedback import case_rules
from plugins.feedback.case_rules import TRANSITIONS, Actor, CaseFacts, CaseState, Move
from plugins.feedback.models import Case, CaseEvent, row_data

log = logging.getLogger(__name__)

CASE_KIND = "feedback.case"
EVENT_KIND = "feedback.case_event"


S = CaseState
# States reached once the unit has called back / has dealt with the complaint (a
# withdrawn case's rating is voided: it counts nowhere).
CALLED_BACK_STATES = frozenset(S) - {S.PENDING_CALLBACK, S.WITHDRAWN}
HANDLED_STATES = frozenset({S.RECTIFIED, S.FED_BACK, S.REVIEWED, S.EXPLAINED})
# Still running against the rectification deadline.
OPEN_STATES = frozenset({S.PENDING_CALLBACK, S.CALLED_BACK, S.RECTIFYING, S.APPEALED})

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
    callback_due: dt.date | None  # None: the stored value is not a date
    rectify_due: dt.date | None


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


EVENT_PAYLOAD_VERSION = 2  # 2: role, site_code, evidence, called_at, step


def _case_payload(case: Case) -> dict[str, Any]:
    return row_data(case)


def _event_payload(event: CaseEvent, case: Case) -> dict[str, Any]:
    data = row_data(event)
    # Lets the server route the event to both sites without a lookup.
    data["unit_site"] = case.unit_site
    data["case_site"] = case.site_code
    return data


def _as_date(value: Any) -> dt.date | None:
    """A stored date, or None for what is not one (peewee hands back unparsable text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def facts(case: Case) -> CaseFacts:
    return CaseFacts(
        unit_site=str(case.unit_site),
        opening_site=str(case.site_code),
        window_no=str(case.window_no or ""),
        staff_no=str(case.staff_no or ""),
        opened_on=_as_date(case.opened_on) or dt.date.min,
    )


def staff_actor(staff_no: str, role: str, site_code: str | None = None) -> Actor:
    """The signed-in person as the rules see them: their site and window from the
    staff table (synced from the server)."""
    from core.models import Staff, Window

    staff = Staff.get_or_none(Staff.staff_no == staff_no) if staff_no else None
    window = ""
    if staff is not None and staff.window_id is not None:
        row = Window.get_or_none(Window.id == staff.window_id)
        window = str(row.number) if row is not None else ""
    site = site_code or (str(staff.site_id) if staff is not None else "")
    return Actor(staff_no=staff_no, role=role, site_code=site, window_no=window)


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
    role: str = "",
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
        role=role or _role_of(actor),
        site_code=site_code,
        step=0,
        happened_on=opened_on,
    )
    audit.record(EVENT_KIND, actor=actor, row=event)
    outbox.enqueue(
        EVENT_KIND,
        event.id,
        _event_payload(event, case),
        payload_version=EVENT_PAYLOAD_VERSION,
    )
    return case


def _role_of(staff_no: str) -> str:
    from core.models import Staff

    staff = Staff.get_or_none(Staff.staff_no == staff_no) if staff_no else None
    return str(staff.role) if staff is not None else ""


def history(case_id: str) -> list[CaseEvent]:
    return list(
        CaseEvent.select()
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.step, CaseEvent.id)
    )


def _latest(case_id: str) -> tuple[CaseState | None, int]:
    """(current state, its step) of a case; (None, -1) before its first event. An event
    naming no known state (an old bad row) is passed over."""
    rows: Any = (
        CaseEvent.select(CaseEvent.to_state, CaseEvent.step)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.step.desc())
        .tuples()
    )
    top = -1
    for to_state, step in rows:
        top = max(top, int(step))
        state = case_rules.parse_state(to_state)
        if state is not None:
            return state, top
    return None, top


def state_of(case_id: str) -> CaseState:
    return _latest(case_id)[0] or S.PENDING_CALLBACK


def recorders(case_id: str) -> dict[CaseState, str]:
    """Whoever last moved the case into each state (four eyes)."""
    found: dict[CaseState, str] = {}
    for event in history(case_id):
        state = case_rules.parse_state(event.to_state)
        if state is not None:
            found[state] = str(event.actor)
    return found


_KNOWN_STATES = [state.value for state in CaseState]


def current_states(case_ids: list[str] | None = None) -> dict[str, CaseState]:
    """The state of every case (or of ``case_ids``) in one query: the highest step of
    each case through the (case_id, step) index. Events naming no known state are left
    out."""
    valid = CaseEvent.to_state.in_(_KNOWN_STATES)
    latest = (
        CaseEvent.select(CaseEvent.case_id, peewee.fn.MAX(CaseEvent.step).alias("top"))
        .where(valid)
        .group_by(CaseEvent.case_id)
    )
    if case_ids is not None:
        latest = latest.where(CaseEvent.case_id.in_(case_ids))
    query: Any = (
        CaseEvent.select(CaseEvent.case_id, CaseEvent.to_state)
        .join(
            latest,
            on=((CaseEvent.case_id == latest.c.case_id) & (CaseEvent.step == latest.c.top)),
        )
        .where(valid)
        .tuples()
    )
    return {case_id: CaseState(state) for case_id, state in query}


def overdue_what(case: Case, state: CaseState, today: dt.date) -> str:
    callback_due, rectify_due = _as_date(case.callback_due), _as_date(case.rectify_due)
    if state is S.PENDING_CALLBACK and callback_due is not None and today > callback_due:
        return "callback"
    if state in OPEN_STATES and rectify_due is not None and today > rectify_due:
        return "rectify"
    return ""


def list_cases(
    unit_site: str | None,
    today: dt.date,
    *,
    opened_here: bool = False,
    viewer: Actor | None = None,
) -> list[CaseView]:
    """Cases of a unit (all when None), overdue first, then by rectification deadline.

    ``opened_here`` adds the cases this site opened for other units (an inspection
    of a town hall), to follow their progress. ``viewer`` keeps only the cases that
    person sees (``case_rules.sees``: a clerk their window's, a supervisor the site's).
    """
    query = Case.select()
    if unit_site is not None:
        where = Case.unit_site == unit_site
        if opened_here:
            where |= Case.site_code == unit_site
        query = query.where(where)
    cases = list(query)
    if viewer is not None:
        cases = [case for case in cases if case_rules.sees(viewer, facts(case))]
    # All states at once: one pass over the events' index, and no parameter list as
    # long as the cases.
    states = current_states() if cases else {}
    views = []
    for case in cases:
        state = states.get(case.id, S.PENDING_CALLBACK)
        what = overdue_what(case, state, today)
        callback_due, rectify_due = _as_date(case.callback_due), _as_date(case.rectify_due)
        views.append(CaseView(case, state, bool(what), what, callback_due, rectify_due))
    views.sort(
        key=lambda v: (
            not v.overdue,
            v.state in case_rules.CLOSED_STATES,
            v.rectify_due or dt.date.max,
        )
    )
    return views


def _site_name(code: str) -> str:
    from core.models import Site

    site = Site.get_or_none(Site.code == code)
    return str(site.name) if site is not None else code


def unit_label(unit_site: str, here: str) -> str:
    """'本站' for this site's own cases, else the unit's name."""
    return _("this site") if unit_site == here else _site_name(unit_site)


def overdue_count(
    unit_site: str | None, today: dt.date, viewer: Actor | None = None
) -> tuple[int, int]:
    """(overdue, open) cases of a unit, for the home tile."""
    views = list_cases(unit_site, today, viewer=viewer)
    return (
        sum(v.overdue for v in views),
        sum(v.state not in case_rules.CLOSED_STATES for v in views),
    )


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
    evidence: str = "",
    called_at: dt.datetime | None = None,
    voided: bool = False,
) -> CaseEvent:
    """Move a case on: a new event row, audited and queued for the server.

    The rules (``case_rules.refusal``) decide: the role, the side (the responsible
    unit handles its case, 谁办理谁负责; the site that opened it may review), the
    clerk's window, four eyes, the note, evidence and callback time the step needs,
    and sane dates. ``site_code`` is the acting person's site (default: theirs in
    the staff table).
    """
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise CaseError(_("This case no longer exists; refresh the list."))
    who = staff_actor(actor, role, site_code)
    note, evidence = note.strip(), evidence.strip()
    move = Move(to_state, today, note=note, evidence=evidence, called_at=called_at, voided=voided)
    with atomic():
        current, top = _latest(case_id)
        why = case_rules.refusal(
            facts(case),
            current or S.PENDING_CALLBACK,
            move,
            who,
            recorders(case_id),
            case_rules.local_now(),
            unit_name=_site_name(case.unit_site),
        )
        if why is not None:
            raise CaseError(why)
        event = CaseEvent.create(
            case_id=case_id,
            from_state=(current or S.PENDING_CALLBACK).value,
            to_state=to_state.value,
            note=note,
            actor=actor,
            role=role,
            site_code=who.site_code,
            evidence=evidence,
            called_at=called_at,
            step=top + 1,
            happened_on=today,
        )
        audit.record(EVENT_KIND, actor=actor, row=event)
        outbox.enqueue(
            EVENT_KIND,
            event.id,
            _event_payload(event, case),
            payload_version=EVENT_PAYLOAD_VERSION,
        )
    log.info("case %s: %s -> %s by %s", case_id, event.from_state, to_state.value, actor)
    return event


def withdraw_for_void(
    rating_id: str, *, reason: str, actor: str, role: str, site_code: str, today: dt.date
) -> list[CaseEvent]:
    """The cases a voided rating opened are withdrawn (已撤销) with the void's reason,
    in the caller's transaction (the void's), after the void in the outbox so the
    server holds the void when it checks the withdrawal. A case already closed
    (reviewed) keeps its history as it is."""
    events = []
    opened = Case.select().where(
        (Case.source == "rating") & (Case.source_id == rating_id) & (Case.site_code == site_code)
    )
    for case in opened:
        if state_of(case.id) in case_rules.CLOSED_STATES:
            continue
        events.append(
            transition(
                case.id,
                S.WITHDRAWN,
                actor=actor,
                role=role,
                today=today,
                note=reason,
                site_code=site_code,
                voided=True,
            )
        )
    return events


def withdrawn_with(rating_id: str) -> bool:
    """Whether a case the rating opened is withdrawn (its void closed it)."""
    opened = Case.select(Case.id).where((Case.source == "rating") & (Case.source_id == rating_id))
    return any(state_of(case.id) is S.WITHDRAWN for case in opened)


# -- pulled from the server ----------------------------------------------------------
def _text(data: dict[str, Any], name: str, *, required: bool = False, limit: int = 200) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise RecordRejected(f"{name} is missing")
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise RecordRejected(f"{name} is not a text of at most {limit} characters")
    return value


def _date(data: dict[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected(f"{name} {str(value)[:40]!r} is not a date (YYYY-MM-DD)") from None


def _datetime(data: dict[str, Any], name: str) -> dt.datetime | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected(f"{name} {str(value)[:40]!r} is not a date and time") from None
    return (
        parsed.replace(tzinfo=None)
        if parsed.tzinfo is None
        else parsed.astimezone(dt.UTC).replace(tzinfo=None)
    )


# A row's created_at is the recording workstation's UTC clock: a day ahead is a
# clock set wrong or a forged row.
CREATED_AT_SKEW = dt.timedelta(days=1)


def created_at_refusal(created_at: dt.datetime | None, now_utc: dt.datetime) -> str | None:
    if created_at is not None and created_at > now_utc + CREATED_AT_SKEW:
        return f"created_at {created_at.isoformat()} is in the future"
    return None


def apply_remote_case(data: dict[str, Any]) -> None:
    """A case routed here by the server (opened elsewhere, or at another workstation
    of this site): keep it if new. Rows are never edited, so a copy is final. A case
    whose fields are not what a case holds raises ``RecordRejected`` (parked)."""
    from core.models import utcnow

    case_id = _text(data, "id", required=True)
    if Case.get_or_none(Case.id == case_id) is not None:
        return
    for name in ("site_code", "unit_site", "source", "source_id"):
        _text(data, name, required=True)
    for name in ("window_no", "staff_no", "item_code", "department", "actor", "rating_month"):
        _text(data, name)
    opened_on = _date(data, "opened_on")
    callback_due, rectify_due = _date(data, "callback_due"), _date(data, "rectify_due")
    rated_on = _date(data, "rated_on", required=False)
    assert opened_on is not None and callback_due is not None and rectify_due is not None
    if callback_due < opened_on or rectify_due < opened_on:
        raise RecordRejected("a deadline is before the case was opened")
    if opened_on > (case_rules.local_now() + case_rules.CLOCK_SKEW).date():
        raise RecordRejected(f"opened_on {opened_on.isoformat()} is in the future")
    created_at = _datetime(data, "created_at")
    why = created_at_refusal(created_at, utcnow())
    if why:
        raise RecordRejected(why)
    level = data.get("level")
    if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
        raise RecordRejected("level is not a whole number")
    values = {name: data[name] for name in Case._meta.fields if name in data}
    values.update(
        opened_on=opened_on,
        callback_due=callback_due,
        rectify_due=rectify_due,
        rated_on=rated_on,
        created_at=created_at or utcnow(),
        summary=str(data.get("summary") or "")[:2000],
        real_name=bool(data.get("real_name")),
        due_estimate=bool(data.get("due_estimate")),
    )
    Case.insert(**values).on_conflict_ignore().execute()


def apply_remote_event(data: dict[str, Any]) -> None:
    """A state change pulled from the server, checked again here against the case as
    this workstation holds it: the case must be here, the change must follow its
    current state, and the rules (role, side, four eyes, what the step needs, dates)
    must allow it. Anything else raises ``RecordRejected``: the change is parked with
    the reason and the rest of the page applies."""
    from core.models import utcnow

    event_id = _text(data, "id", required=True)
    if CaseEvent.get_or_none(CaseEvent.id == event_id) is not None:
        return  # ours coming back, or pulled before: rows are never edited
    case_id = _text(data, "case_id", required=True)
    target = case_rules.parse_state(data.get("to_state"))
    if target is None:
        raise RecordRejected(f"to_state {str(data.get('to_state'))[:40]!r} is not a case state")
    happened_on = _date(data, "happened_on")
    assert happened_on is not None
    called_at = _datetime(data, "called_at")
    created_at = _datetime(data, "created_at")
    why = created_at_refusal(created_at, utcnow())
    if why:
        raise RecordRejected(why)
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise RecordRejected(f"case {case_id[:40]} is not held here")
    current, top = _latest(case_id)
    source = str(data.get("from_state") or "")
    if source != (current.value if current is not None else ""):
        held = current.label if current is not None else _("none")
        raise RecordRejected(
            f"the change assumes state {source or 'none'!r}; the case here is in {held}"
        )
    note, evidence = _text(data, "note", limit=2000), _text(data, "evidence", limit=2000)
    role = _text(data, "role")
    site = _text(data, "site_code")
    actor = _text(data, "actor")
    # A withdrawal comes with its rating's void, which the server checked it holds
    # (the void itself travels to the site that keyed the rating only).
    move = Move(
        target,
        happened_on,
        note=note,
        evidence=evidence,
        called_at=called_at,
        voided=target is S.WITHDRAWN and str(case.source) == "rating",
    )
    if role and site:
        # The writer's window is not known here (staff of other sites are not synced):
        # the server checked it against its staff table.
        who = Actor(staff_no=actor, role=role, site_code=site, window_no=None)
        why = case_rules.refusal(
            facts(case),
            current,
            move,
            who,
            recorders(case_id),
            case_rules.local_now(),
            unit_name=_site_name(case.unit_site),
        )
    else:
        # Recorded before events named their writer (payload version 1): the state
        # machine and the dates still hold.
        step = case_rules.step_for(current, target)
        why = (
            case_rules.date_refusal(facts(case), move, case_rules.local_now())
            if step is not None
            else f"{source or 'none'} cannot move to {target.value}"
        )
    if why is not None:
        raise RecordRejected(why)
    CaseEvent.insert(
        id=event_id,
        case_id=case_id,
        from_state=source,
        to_state=target.value,
        note=note,
        actor=actor,
        role=role,
        site_code=site,
        evidence=evidence,
        called_at=called_at,
        step=top + 1,
        happened_on=happened_on,
        created_at=created_at or utcnow(),
    ).on_conflict_ignore().execute()
