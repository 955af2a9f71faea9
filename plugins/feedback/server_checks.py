"""The central server's checks of pushed cases and case events (``check=`` of the
``feedback.case`` and ``feedback.case_event`` record kinds), and the table of each
case's current state they read.

The server trusts no workstation. The schema (``schemas``) has refused malformed
payloads and put the token's site in ``site_code``; ``checks.check_case`` decides
where a case may go. Here: a pushed case is opened by a member of the pushing
site's staff allowed to open cases (or, for a citizen's own bad review on the
kiosk or the QR page, pushed with its rating, by nobody), its deadlines after the
day it was opened. A pushed state change
is checked against the case as the server holds it, with ``case_rules.refusal``
(the one table of transitions the workstation uses too): the case exists (stored,
or earlier in the same push), the change follows its current state, the writer is
staff of the pushing site with a role the step allows (their role and window come
from the server's staff table, never from the payload), on the side the step
belongs to, never the person who recorded the fix when reviewing it (四眼), and its
dates are neither in the future nor before the case was opened.

``feedback_case_state`` (server migration 0003) holds each case's current state,
step and who recorded each state; ``update_states`` keeps it in the push
transaction (``sihao_server_records_applied``), so a check reads one row instead of
scanning the events' JSON. On PostgreSQL the row is read ``FOR UPDATE``: two
workstations pushing a change to the same case at once are checked one after the
other, and the second sees the first's state.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

import peewee

from core.outbox import RecordContext, RecordRejected
from plugins.feedback import case_rules
from plugins.feedback.case_rules import Actor, CaseFacts, CaseState, Move
from plugins.feedback.cases import CASE_KIND, EVENT_KIND, created_at_refusal
from plugins.feedback.ratings import RATING_KIND
from server.db import ServerModel

log = logging.getLogger(__name__)


class CaseStateRow(ServerModel):
    case_id = peewee.CharField(primary_key=True)
    unit_site = peewee.CharField()
    opening_site = peewee.CharField()
    window_no = peewee.CharField(default="")
    staff_no = peewee.CharField(default="")
    opened_on = peewee.CharField()
    state = peewee.CharField(default="")
    step = peewee.IntegerField(default=-1)
    recorders = peewee.TextField(default="{}")
    # When the server last stored a record of the case (server migration 0004):
    # a case closed before a new workstation's window is left out of its first pull.
    changed_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "feedback_case_state"


def _date(value: Any, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RecordRejected(f"{name} {str(value)[:40]!r} is not a date (YYYY-MM-DD)") from None


def _datetime(value: Any, name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise RecordRejected(f"{name} {str(value)[:40]!r} is not a date and time") from None
    return parsed if parsed.tzinfo is None else parsed.astimezone(dt.UTC).replace(tzinfo=None)


def _staff(staff_no: str, site_code: str) -> Any:
    """The pushing site's member of staff named by a record, from the server's table."""
    from server.models import Staff

    staff = Staff.get_or_none(Staff.staff_no == staff_no) if staff_no else None
    if staff is None or not staff.active or staff.site != site_code:
        raise RecordRejected(f"staff {staff_no[:20] or '(none)'} is not staff of site {site_code}")
    return staff


def _already_stored(kind: str, entity_id: str, payload: dict[str, Any]) -> bool:
    """True for a record sent again (a retry: the store answers it as a duplicate);
    ``RecordRejected`` when the entity is stored with other content (rows are never
    edited: a second version of an event is a forgery or a bug)."""
    from server.models import EntityOwner, Record

    owned = (
        EntityOwner.select()
        .where((EntityOwner.kind == kind) & (EntityOwner.entity_id == entity_id))
        .exists()
    )
    if not owned:
        return False
    # Rare (retries only): the records have no index on the entity, so this reads the
    # kind's records; fine for a retry, and never on the path of a new record.
    stored = (
        Record.select(Record.payload)
        .where((Record.kind == kind) & (Record.entity_id == entity_id))
        .order_by(Record.server_seq)
        .tuples()
        .first()
    )
    if stored is not None:
        try:
            same = json.loads(stored[0]) == payload
        except ValueError:
            same = False
        if not same:
            raise RecordRejected(f"{kind} {entity_id[:40]} is already recorded with other content")
    return True


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def check_case(payload: dict[str, Any], ctx: RecordContext) -> None:
    """A new case (where it may go is ``checks.check_case``'s question): opened by a
    member of the pushing site's staff allowed to open cases, deadlines after the
    day it was opened."""
    if _already_stored(CASE_KIND, ctx.entity_id, payload):
        return
    if not _opened_by_citizen(payload, ctx):
        staff = _staff(str(payload.get("actor") or ""), ctx.site_code)
        if staff.role not in case_rules.OPENERS:
            raise RecordRejected(f"a {staff.role} cannot open a case")
    opened_on = _date(payload.get("opened_on"), "opened_on")
    if opened_on > (case_rules.local_now() + case_rules.CLOCK_SKEW).date():
        raise RecordRejected(f"opened_on {opened_on.isoformat()} is in the future")
    for name in ("callback_due", "rectify_due"):
        if _date(payload.get(name), name) < opened_on:
            raise RecordRejected(f"{name} is before the case was opened")


# Channels on which citizens rate by themselves, with nobody signed in: their bad
# reviews open a case with no staff member as its opener.
CITIZEN_CHANNELS = frozenset({"kiosk", "qr"})


def _opened_by_citizen(payload: dict[str, Any], ctx: RecordContext) -> bool:
    """A case with no opener is the case of a citizen's own bad review: the rating is
    earlier in the same push, on a citizen channel, keyed by nobody, and names it."""
    if payload.get("actor") or payload.get("source") != "rating":
        return False
    for kind, entity_id, earlier in ctx.earlier:
        if kind == RATING_KIND and entity_id == payload.get("source_id"):
            return (
                earlier.get("channel") in CITIZEN_CHANNELS
                and not earlier.get("actor")
                and earlier.get("level") == payload.get("level")
                and not _rating_stored(entity_id)
            )
    return False


def _rating_stored(rating_id: str) -> bool:
    """The rating is stored already: this push sends it again (the same QR link
    submitted twice), so it opens no case now. On PostgreSQL two such pushes at
    once are taken one after the other (a lock on the rating's id), so the second
    sees the first's rating."""
    from server import db
    from server.models import EntityOwner

    if db.is_postgres():
        db.database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (rating_id,))
    return bool(
        EntityOwner.select()
        .where((EntityOwner.kind == RATING_KIND) & (EntityOwner.entity_id == rating_id))
        .exists()
    )


def _case_opened_by_citizen(case_id: str, ctx: RecordContext) -> bool:
    """The case (earlier in this push: a case and its first event travel together)
    was opened by a citizen's rating."""
    for kind, entity_id, earlier in ctx.earlier:
        if kind == CASE_KIND and entity_id == case_id:
            return earlier.get("source") == "rating" and not earlier.get("actor")
    return False


def _case_row(case_id: str) -> CaseStateRow | None:
    from server import db

    query = CaseStateRow.select().where(CaseStateRow.case_id == case_id)
    if db.is_postgres():
        query = query.for_update()
    row: CaseStateRow | None = query.first()
    return row


def _held_case(
    case_id: str, ctx: RecordContext
) -> tuple[CaseFacts, CaseState | None, dict[CaseState, str]]:
    """The case as the server holds it, with the changes earlier in this push folded in."""
    row = _case_row(case_id)
    current: CaseState | None = None
    recorders: dict[CaseState, str] = {}
    facts: CaseFacts | None = None
    if row is not None:
        facts = CaseFacts(
            unit_site=row.unit_site,
            opening_site=row.opening_site,
            window_no=row.window_no,
            staff_no=row.staff_no,
            opened_on=_date(row.opened_on, "opened_on"),
        )
        current = case_rules.parse_state(row.state)
        try:
            stored = json.loads(row.recorders)
        except ValueError:
            stored = {}
        for state, actor in (stored or {}).items():
            parsed = case_rules.parse_state(state)
            if parsed is not None:
                recorders[parsed] = str(actor)
    for kind, entity_id, data in ctx.earlier:
        if kind == CASE_KIND and entity_id == case_id and facts is None:
            facts = _facts_of(data)
        elif kind == EVENT_KIND and str(data.get("case_id")) == case_id:
            current = case_rules.parse_state(data.get("to_state"))
            if current is not None:
                recorders[current] = str(data.get("actor") or "")
    if facts is None:
        raise RecordRejected(f"case {case_id[:40]} is not known to the server")
    return facts, current, recorders


def _facts_of(data: dict[str, Any]) -> CaseFacts:
    return CaseFacts(
        unit_site=str(data.get("unit_site") or data.get("site_code") or ""),
        opening_site=str(data.get("site_code") or ""),
        window_no=str(data.get("window_no") or ""),
        staff_no=str(data.get("staff_no") or ""),
        opened_on=_date(data.get("opened_on"), "opened_on"),
    )


def check_event(payload: dict[str, Any], ctx: RecordContext) -> None:
    """A state change: allowed from the case's current state on the server, by this
    site's staff in a role the step allows, on the right side, four eyes, sane dates."""
    if _already_stored(EVENT_KIND, ctx.entity_id, payload):
        return
    if str(payload.get("id") or "") != ctx.entity_id:
        raise RecordRejected("the event's id differs from the record's entity id")
    writer_site = str(payload.get("site_code") or ctx.site_code)
    if writer_site != ctx.site_code:
        raise RecordRejected(
            f"the event names site {writer_site[:40]} as its writer; it was pushed by {ctx.site_code}"
        )
    target = case_rules.parse_state(payload.get("to_state"))
    if target is None:
        raise RecordRejected(f"to_state {str(payload.get('to_state'))[:40]!r} is not a case state")
    case_id = str(payload.get("case_id") or "")
    facts, current, recorders = _held_case(case_id, ctx)
    if (
        str(payload.get("unit_site") or facts.unit_site),
        str(payload.get("case_site") or facts.opening_site),
    ) != (facts.unit_site, facts.opening_site):
        raise RecordRejected("the event names other sites than its case's")
    source = str(payload.get("from_state") or "")
    held = current.value if current is not None else ""
    if source != held:
        raise RecordRejected(
            f"the change assumes state {source or 'none'}; on the server the case is "
            f"{held or 'not yet opened'}"
        )
    if (
        current is None
        and target is CaseState.PENDING_CALLBACK
        and not payload.get("actor")
        and _case_opened_by_citizen(case_id, ctx)
    ):
        return  # a citizen's bad review opened it (QR page, kiosk): nobody's step yet
    staff = _staff(str(payload.get("actor") or ""), ctx.site_code)
    claimed = str(payload.get("role") or "")
    if claimed and claimed != staff.role:
        raise RecordRejected(
            f"the event names role {claimed[:20]}; the staff member is a {staff.role}"
        )
    actor = Actor(
        staff_no=str(staff.staff_no),
        role=str(staff.role),
        site_code=ctx.site_code,
        window_no=str(staff.window or ""),
    )
    move = Move(
        target,
        _date(payload.get("happened_on"), "happened_on"),
        note=str(payload.get("note") or ""),
        evidence=str(payload.get("evidence") or ""),
        called_at=_datetime(payload.get("called_at"), "called_at"),
    )
    if target is CaseState.WITHDRAWN:
        move = Move(
            move.target,
            move.happened_on,
            note=move.note,
            evidence=move.evidence,
            called_at=move.called_at,
            voided=_rating_voided(case_id, ctx),
        )
    if current is None and target is not CaseState.PENDING_CALLBACK:
        raise RecordRejected("a case's first event opens it (待回访)")
    # The rules' sentences are message ids: the server (no UI language) answers in English.
    why = case_rules.refusal(facts, current, move, actor, recorders, case_rules.local_now())
    if why is not None:
        raise RecordRejected(why)
    why = created_at_refusal(_datetime(payload.get("created_at"), "created_at"), _utcnow())
    if why:
        raise RecordRejected(why)


def _rating_voided(case_id: str, ctx: RecordContext) -> bool:
    """Whether the case was opened by a rating the server holds a void of (stored, or
    earlier in this push). Rare (a withdrawal): reads the case's stored record."""
    from plugins.feedback.server import VOID_TABLE
    from plugins.feedback.voids import VOID_KIND
    from server import db
    from server.models import Record

    case: dict[str, Any] | None = None
    for kind, entity_id, data in ctx.earlier:
        if kind == CASE_KIND and entity_id == case_id:
            case = data
    if case is None:
        stored = (
            Record.select(Record.payload)
            .where((Record.kind == CASE_KIND) & (Record.entity_id == case_id))
            .order_by(Record.server_seq)
            .tuples()
            .first()
        )
        try:
            case = json.loads(stored[0]) if stored is not None else None
        except ValueError:
            case = None
    if not isinstance(case, dict) or case.get("source") != "rating":
        return False
    rating_id = str(case.get("source_id") or "")
    if any(
        kind == VOID_KIND and data.get("rating_id") == rating_id for kind, _id, data in ctx.earlier
    ):
        return True
    param = "%s" if db.is_postgres() else "?"
    found = db.database.execute_sql(
        f"SELECT 1 FROM {VOID_TABLE} WHERE rating_id = {param}", [rating_id]
    ).fetchone()
    return found is not None


def update_states(records: Iterable[Any]) -> None:
    """Keep ``feedback_case_state`` for the cases and events a push stored (in order)."""
    for record in records:
        data = record.payload if isinstance(record.payload, dict) else {}
        if record.kind == CASE_KIND:
            try:
                facts = _facts_of(data)
            except RecordRejected:
                log.warning("case %s stored without a readable opened_on", record.entity_id)
                continue
            CaseStateRow.insert(
                case_id=record.entity_id,
                unit_site=facts.unit_site,
                opening_site=facts.opening_site,
                window_no=facts.window_no,
                staff_no=facts.staff_no,
                opened_on=facts.opened_on.isoformat(),
                changed_at=record.received_at,
            ).on_conflict_ignore().execute()
        elif record.kind == EVENT_KIND:
            row = _case_row(str(data.get("case_id") or ""))
            if row is None or str(data.get("from_state") or "") != row.state:
                continue  # a copy of an event already counted (a retry stored twice)
            try:
                recorders = json.loads(row.recorders) or {}
            except ValueError:
                recorders = {}
            state = str(data.get("to_state") or "")
            recorders[state] = str(data.get("actor") or "")
            CaseStateRow.update(
                state=state,
                step=CaseStateRow.step + 1,
                recorders=json.dumps(recorders, ensure_ascii=False, sort_keys=True),
                changed_at=record.received_at,
            ).where(CaseStateRow.case_id == row.case_id).execute()


def settled(kind: str, changes: list[tuple[str, Any]], before: dt.datetime) -> set[str]:
    """Of the pulled ``changes`` (id, data) of cases or their events, those whose case
    is closed (a state no step leaves: reviewed) and saw nothing stored since
    ``before``: a new workstation's first pull leaves them out (sihao_server_settled)."""
    case_of: dict[str, str] = {}
    for entity_id, data in changes:
        case_id = entity_id if kind == CASE_KIND else str((data or {}).get("case_id") or "")
        if case_id:
            case_of[entity_id] = case_id
    wanted = sorted(set(case_of.values()))
    if not wanted:
        return set()
    final = sorted(state.value for state, after in case_rules.TRANSITIONS.items() if not after)
    query: Any = CaseStateRow.select(CaseStateRow.case_id).where(
        CaseStateRow.case_id.in_(wanted)
        & CaseStateRow.state.in_(final)
        & (CaseStateRow.changed_at < before)
    )
    closed = {str(case_id) for (case_id,) in query.tuples()}
    return {entity_id for entity_id, case_id in case_of.items() if case_id in closed}


def states_of(case_ids: Iterable[str]) -> dict[str, str]:
    """The current state of each case, for the statistics."""
    ids = list(case_ids)
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        query: Any = CaseStateRow.select(CaseStateRow.case_id, CaseStateRow.state).where(
            CaseStateRow.case_id.in_(ids[start : start + 500])
        )
        for case_id, state in query.tuples():
            found[str(case_id)] = str(state)
    return found
